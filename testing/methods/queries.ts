import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { settleQuery } from "../observe.ts";
import { optArray, optBool, optInt, optStr, reqStr } from "../params.ts";
import type { MessageObj, Obj, UserObj } from "../types.ts";
import type { QueryState } from "../world.ts";
import { editTarget } from "./edit.ts";

const QUERY_GONE = "query is too old and response timeout expired or query ID is invalid";

/** The open query a bot answers; answering twice, or someone else's query, is a 400 as in Telegram. */
function openQuery(ctx: CallContext, param: string, kind: QueryState["kind"]): QueryState {
  const id = reqStr(ctx.params, param, `${param} is empty`);
  const query = ctx.world.queries.get(id);
  if (query === undefined || query.kind !== kind || query.bot !== ctx.bot || query.answer !== undefined) {
    throw badRequest(QUERY_GONE);
  }
  return query;
}

function answerCallbackQuery(ctx: CallContext): boolean {
  const query = openQuery(ctx, "callback_query_id", "callback_query");
  const text = optStr(ctx.params, "text");
  if (text !== undefined && text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
  const answer: Obj = { ...ctx.params };
  // Kept as a real boolean, whatever spelling the call used, so that whoever shows the answer need not
  // know the loose ones.
  const showAlert = optBool(ctx.params, "show_alert");
  if (showAlert !== undefined) answer.show_alert = showAlert;
  settleQuery(query, answer);
  return true;
}

function answerInlineQuery(ctx: CallContext): boolean {
  const query = openQuery(ctx, "inline_query_id", "inline_query");
  const results = optArray(ctx.params, "results");
  if (results === undefined) throw badRequest("results is empty");
  if (results.length > 50) throw badRequest("RESULTS_TOO_MUCH");
  const ids = new Set<string>();
  for (const r of results as Obj[]) {
    if (typeof r !== "object" || r === null || typeof r.type !== "string") {
      throw badRequest("can't parse InlineQueryResult");
    }
    const id = String(r.id ?? "");
    if (id === "" || new TextEncoder().encode(id).length > 64) throw badRequest("RESULT_ID_INVALID");
    if (ids.has(id)) throw badRequest("RESULT_ID_DUPLICATE");
    ids.add(id);
  }
  settleQuery(query, { ...ctx.params, results });
  return true;
}

/** Answers a payment query: `ok` (checked by `checkOk`), or not `ok` with an `error_message`. */
function answerPaymentQuery(
  ctx: CallContext,
  query: QueryState,
  checkOk: () => void = () => {},
): boolean {
  const ok = optBool(ctx.params, "ok");
  if (ok === undefined) throw badRequest("parameter \"ok\" is required");
  if (ok) checkOk();
  else if ((optStr(ctx.params, "error_message") ?? "") === "") throw badRequest("error_message is empty");
  settleQuery(query, { ...ctx.params, ok });
  return true;
}

function answerShippingQuery(ctx: CallContext): boolean {
  return answerPaymentQuery(ctx, openQuery(ctx, "shipping_query_id", "shipping_query"), () => {
    if ((optArray(ctx.params, "shipping_options") ?? []).length === 0) {
      throw badRequest("SHIPPING_OPTIONS_EMPTY");
    }
  });
}

function answerPreCheckoutQuery(ctx: CallContext): boolean {
  return answerPaymentQuery(ctx, openQuery(ctx, "pre_checkout_query_id", "pre_checkout_query"));
}

function scoreKey(ctx: CallContext): { key: string; target: ReturnType<typeof editTarget> } {
  const target = editTarget(ctx);
  if (target.message.game === undefined) throw badRequest("message has no game");
  const key = target.inline !== undefined
    ? `inline:${ctx.params.inline_message_id}`
    : `${target.state!.chat.id}:${(target.message as Obj).message_id}`;
  return { key, target };
}

function setGameScore(ctx: CallContext): unknown {
  const userId = optInt(ctx.params, "user_id");
  const score = optInt(ctx.params, "score");
  if (userId === undefined || score === undefined || score < 0) {
    throw badRequest("user_id and a non-negative score are required");
  }
  if (ctx.world.findUser(userId) === undefined) throw badRequest("user not found");
  const { key, target } = scoreKey(ctx);
  let table = ctx.world.scores.get(key);
  if (table === undefined) ctx.world.scores.set(key, table = new Map());
  const old = table.get(userId);
  if (old !== undefined && score <= old && !optBool(ctx.params, "force")) {
    throw badRequest("BOT_SCORE_NOT_MODIFIED");
  }
  table.set(userId, score);
  if (target.inline !== undefined) return true;
  if (!optBool(ctx.params, "disable_edit_message")) {
    target.message.edit_date = Math.floor(Date.now() / 1000);
    ctx.world.recordBotEdit(target.state!, target.message as MessageObj);
  }
  return target.message;
}

function getGameHighScores(ctx: CallContext): Obj[] {
  const { key } = scoreKey(ctx);
  const table = ctx.world.scores.get(key) ?? new Map<number, number>();
  return [...table.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([id, score], i) => ({ position: i + 1, user: ctx.world.findUser(id) as UserObj, score }));
}

function getFile(ctx: CallContext): Obj {
  const files = ctx.world.files;
  const fileId = reqStr(ctx.params, "file_id", "file_id is empty");
  const file = files.usableBy(fileId, ctx.bot.user.id);
  if (file !== undefined) return files.fetchedBy(file, ctx.bot.user.id);
  // Client.cpp: an id td cannot read is "invalid file_id"; another bot's reads well, but its download
  // fails, which the server reports so.
  if (files.get(fileId) === undefined) throw badRequest("invalid file_id");
  throw badRequest("wrong file_id or the file is temporarily unavailable");
}

/** Answers to queries, game scores and files. */
export const QUERY_METHODS: Readonly<Record<string, Handler>> = {
  answerCallbackQuery,
  answerInlineQuery,
  answerShippingQuery,
  answerPreCheckoutQuery,
  setGameScore,
  getGameHighScores,
  getFile,
};
