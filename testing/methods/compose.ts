import type { CallContext } from "../context.ts";
import { detectEntities } from "../entities.ts";
import { badRequest } from "../failure.ts";
import { optArray, optBool, optStr } from "../params.ts";
import type { MessageObj, Obj } from "../types.ts";
import type { ChatState, World } from "../world.ts";
import { commonFields, MAX_CAPTION } from "./common.ts";
import { formatText, resolveUserLinks, type UserLookup } from "./format.ts";

/** The world's accounts by id, for inline mentions: users, and bots as they appear as senders. */
export function accounts(world: World): UserLookup {
  return (id) => world.users.get(id) ?? world.bots.get(id)?.sender;
}

/** Text and entities of a text or caption parameter, after `parse_mode` and length checks. */
export function formattedText(
  ctx: CallContext,
  textParam: string,
  entitiesParam: string,
  modeParam: string,
  max: number,
): { text: string; entities?: Obj[] } | undefined {
  const params = ctx.params;
  const raw = optStr(params, textParam);
  if (raw === undefined) return undefined;
  const given = optArray(params, entitiesParam) as Obj[] | undefined;
  const what = textParam === "text" ? "message" : "caption";
  return formatted(raw, given, optStr(params, modeParam), max, what, accounts(ctx.world));
}

/**
 * Text and entities after a `parse_mode`, explicit entities, or Telegram's own detection, in that order
 * (as the server reads them: a parse mode other than `none` wins, and the call's entities are then
 * dropped), and the length check (`what` names the text in the error). A `tg://user?id=N` link, written in
 * the markup or given as a text link, mentions the account `users` finds ({@link resolveUserLinks}).
 */
export function formatted(
  raw: string,
  given: Obj[] | undefined,
  mode: string | undefined,
  max: number,
  what: "message" | "caption",
  users?: UserLookup,
): { text: string; entities?: Obj[] } {
  const parses = mode !== undefined && mode !== "" && mode.toLowerCase() !== "none" && raw !== "";
  const { text, entities } = parses
    ? formatText(raw, mode, users)
    : given !== undefined
    ? { text: raw, entities: resolveUserLinks(given, users) }
    : { text: raw, entities: detectEntities(raw) };
  if (text.length > max) {
    throw badRequest(what === "message" ? "message is too long" : "message caption is too long");
  }
  return entities !== undefined && entities.length > 0 ? { text, entities } : { text };
}

/** Stores a bot's message in a chat with the common send fields added. */
export function postBotMessage(ctx: CallContext, state: ChatState, content: Obj): MessageObj {
  return ctx.world.addMessage(
    state,
    { ...commonFields(ctx, state, content), ...content },
    ctx.bot.sender,
    ctx.bot,
  );
}

/** Caption fields of a media message (caption, its entities, placement and spoiler flags). */
export function captionFields(ctx: CallContext): Obj {
  const caption = formattedText(ctx, "caption", "caption_entities", "parse_mode", MAX_CAPTION);
  if (caption === undefined) return {};
  const out: Obj = { caption: caption.text };
  if (caption.entities !== undefined) out.caption_entities = caption.entities;
  if (optBool(ctx.params, "show_caption_above_media")) out.show_caption_above_media = true;
  if (optBool(ctx.params, "has_spoiler")) out.has_media_spoiler = true;
  return out;
}

/** The listed fields of `source` that are present. */
export function pick(source: Obj, ...names: string[]): Obj {
  const out: Obj = {};
  for (const name of names) if (source[name] !== undefined) out[name] = source[name];
  return out;
}
