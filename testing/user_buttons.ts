import type { CallbackQuery } from "../api/types.gen.ts";
import { ScriptError } from "./failure.ts";
import type { Obj } from "./types.ts";
import type { Actor, ButtonRef, KeyboardHost } from "./user_types.ts";
import type { BotState } from "./world.ts";

/**
 * Presses a callback button of an inline keyboard: the bot that owns the message gets a `callback_query`
 * carrying the message (chat messages) or its `inline_message_id` (inline messages).
 */
export function pressButton(actor: Actor, host: KeyboardHost, ref: ButtonRef): CallbackQuery {
  const { world } = actor.host;
  let current: Obj | undefined;
  let bot: BotState | null | undefined;
  let origin: Obj;
  let instance: string;
  if ("inline_message_id" in host) {
    const inline = world.inlineMessages.get(host.inline_message_id);
    current = inline?.message;
    bot = inline?.bot;
    origin = { inline_message_id: host.inline_message_id };
    instance = `i${host.inline_message_id.length}${actor.user.id}`;
  } else {
    const state = actor.chatOf(host);
    current = world.message(state, host.message_id);
    bot = state.authors[host.message_id - 1];
    origin = { message: current };
    instance = String(Math.abs(state.chat.id * 31 + 7));
  }
  if (current === undefined || bot === null || bot === undefined) {
    throw new ScriptError("no such bot message");
  }
  const rows = ((current.reply_markup as Obj | undefined)?.inline_keyboard ?? []) as Obj[][];
  const button = findButton(rows, ref);
  if (button === undefined) throw new ScriptError("no such button on the message");
  const payload: Obj = typeof button.callback_data === "string"
    ? { data: button.callback_data }
    : button.callback_game !== undefined
    ? { game_short_name: ((current.game as Obj | undefined)?.title as string) ?? "" }
    : {};
  if (Object.keys(payload).length === 0) throw new ScriptError("the button sends no callback query");
  const owner = bot;
  const query = world.openQuery("callback_query", owner, (id) => ({
    id,
    from: actor.user,
    ...origin,
    chat_instance: instance,
    ...payload,
  }));
  owner.queue.push("callback_query", query.query);
  return query.query as unknown as CallbackQuery;
}

function findButton(rows: Obj[][], ref: ButtonRef): Obj | undefined {
  if (Array.isArray(ref)) return rows[ref[0] as number]?.[ref[1] as number];
  for (const row of rows) {
    for (const button of row) {
      if (typeof ref === "string") {
        if (button.text === ref || button.callback_data === ref) return button;
      } else {
        const r = ref as { text?: string; data?: string };
        if (
          (r.text === undefined || button.text === r.text)
          && (r.data === undefined || button.callback_data === r.data)
        ) {
          return button;
        }
      }
    }
  }
  return undefined;
}
