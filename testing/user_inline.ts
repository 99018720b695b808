import type { ChosenInlineResult, InlineQuery } from "../api/types.gen.ts";
import { ScriptError } from "./failure.ts";
import { randomId } from "./files.ts";
import { DEFAULT_OBSERVE_SECONDS, queryAnswer } from "./observe.ts";
import type { Obj } from "./types.ts";
import type { Actor, BotRef, ChatRef } from "./user_types.ts";

/** Types an inline query to a bot (`@bot query`); await its answer with `emu.answerOf(query)`. */
export function askInline(
  actor: Actor,
  bot: BotRef,
  text: string,
  options: { offset?: string; chat_type?: string } = {},
): Promise<InlineQuery> {
  const owner = actor.host.bot(bot);
  const query = actor.host.world.openQuery("inline_query", owner, (id) => ({
    id,
    from: actor.user,
    query: text,
    offset: options.offset ?? "",
    ...(options.chat_type !== undefined ? { chat_type: options.chat_type } : {}),
  }));
  owner.queue.push("inline_query", query.query);
  return Promise.resolve(query.query as unknown as InlineQuery);
}

/**
 * Chooses one of the results the bot answered an inline query with: when `chat` is given, the message is
 * posted there `via_bot`; the bot receives `chosen_inline_result`. A result with an inline keyboard (a
 * game always has one) becomes an inline message, its `inline_message_id` in the chosen result (the
 * Bot API gives it only then): buttons pressed on it and the bot's edits by that id.
 */
export async function chooseInlineResult(
  actor: Actor,
  query: InlineQuery,
  resultId: string,
  options: { chat?: ChatRef; timeout?: number } = {},
): Promise<ChosenInlineResult> {
  const { world } = actor.host;
  const state = world.queries.get(query.id);
  if (state === undefined || state.kind !== "inline_query") throw new ScriptError("unknown inline query");
  const answer = await queryAnswer(state, options.timeout ?? DEFAULT_OBSERVE_SECONDS);
  const result = (answer.results as Obj[]).find((r) => String(r.id) === resultId);
  if (result === undefined) throw new ScriptError(`the bot gave no result with id ${resultId}`);
  const content = inlineContent(result);
  const chat = options.chat === undefined ? undefined : actor.host.chat(options.chat);
  const posted = chat === undefined ? undefined : actor.post(chat, { ...content, via_bot: state.bot.sender });
  const chosen: Obj = { result_id: resultId, from: actor.user, query: query.query };
  // The Bot API gives inline_message_id only when the message has an inline keyboard: without one nobody
  // can press it, and the bot has no id to edit it by.
  if (content.reply_markup !== undefined) {
    const inlineMessageId = `${randomId(24)}`;
    // Posted in a chat, the inline message is the chat's message itself (Telegram keeps one message).
    world.inlineMessages.set(inlineMessageId, {
      bot: state.bot,
      message: posted ?? { ...content },
      from: actor.user,
      ...(chat !== undefined ? { chat } : {}),
    });
    if (posted !== undefined) world.inlineIds.set(posted, inlineMessageId);
    chosen.inline_message_id = inlineMessageId;
  }
  state.bot.queue.push("chosen_inline_result", chosen);
  return chosen as unknown as ChosenInlineResult;
}

/** The message content an inline query result produces when chosen. */
function inlineContent(result: Obj): Obj {
  const input = result.input_message_content as Obj | undefined;
  const out: Obj = {};
  if (input !== undefined && typeof input.message_text === "string") {
    out.text = input.message_text;
    if (Array.isArray(input.entities)) out.entities = input.entities;
  } else if (input !== undefined && input.latitude !== undefined) {
    out.location = { latitude: input.latitude, longitude: input.longitude };
  } else if (typeof result.caption === "string") {
    out.caption = result.caption;
  } else if (typeof result.title === "string") {
    out.text = result.title;
  }
  if (result.type === "game") out.game = { title: result.game_short_name, description: "", photo: [] };
  if (result.reply_markup !== undefined) out.reply_markup = result.reply_markup;
  else if (result.type === "game") {
    // A game always has a keyboard: without one, Telegram shows a single "Play <title>" button.
    out.reply_markup = { inline_keyboard: [[{ text: `Play ${result.game_short_name}`, callback_game: {} }]] };
  }
  return out;
}
