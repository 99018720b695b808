import type { CallbackQuery } from "../api/types.gen.ts";
import { ScriptError } from "./failure.ts";
import type { Obj } from "./types.ts";
import type { Actor, ButtonRef, KeyboardHost, MessageRef } from "./user_types.ts";
import type { BotState, ChatState } from "./world.ts";

/**
 * Presses a callback button of an inline keyboard: the bot that owns the message gets a `callback_query`
 * carrying the message (chat messages) or its `inline_message_id` (inline messages, also when pressed
 * where one was posted in a chat).
 */
export function pressButton(actor: Actor, host: KeyboardHost, ref: ButtonRef): CallbackQuery {
  const { world } = actor.host;
  let current: Obj | undefined;
  let bot: BotState | null | undefined;
  let origin: Obj;
  let instance: string;
  const state = "inline_message_id" in host ? undefined : actor.chatOf(host);
  const chatMessage = state === undefined ? undefined : world.message(state, (host as MessageRef).message_id);
  // A message sent via inline mode into a chat is an inline message: a press there is a press on it.
  const inlineId = "inline_message_id" in host
    ? host.inline_message_id
    : chatMessage === undefined
    ? undefined
    : world.inlineIds.get(chatMessage);
  if (inlineId !== undefined) {
    const inline = world.inlineMessages.get(inlineId);
    current = inline?.message;
    bot = inline?.bot;
    origin = { inline_message_id: inlineId };
    const chat = inline?.chat;
    instance = chat === undefined ? `i${inlineId.length}${actor.user.id}` : chatInstance(chat);
  } else {
    // A press in a private chat happens in an open conversation with the bot.
    if (state!.peer !== undefined) world.markStarted(actor.user.id, state!.peer);
    current = chatMessage;
    bot = state!.authors[(host as MessageRef).message_id - 1];
    origin = { message: current };
    instance = chatInstance(state!);
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

/** The `chat_instance` of callbacks from a chat's messages: one value per chat. */
function chatInstance(state: ChatState): string {
  return String(Math.abs(state.chat.id * 31 + 7));
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
