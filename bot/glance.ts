import { type ContentType, MESSAGE_CONTENT_TYPES } from "../api/classification.gen.ts";
import type { Message, Update } from "../api/types.gen.ts";
import { BadFlavor } from "../exception/bad_flavor.ts";
import { flavor as flavorOf, type UpdateFlavor } from "./flavor.ts";
import type { LoopMessage } from "./handler.ts";

/** The payload type of an Update kind, e.g. `Of<"poll_answer">` is `PollAnswer`. */
export type Of<K extends keyof Update> = NonNullable<Update[K]>;
/** A payload of type `T`, or a loosely typed message as handlers receive it (`LoopMessage`). */
export type Loose<T> = T | LoopMessage;
/**
 * What `glance` takes for a flavor whose payload type is `P`: a `P`, a loosely typed message, one
 * whose type has a string index signature (`LoopMessage`, a delegate's `Msg`), as handler methods
 * receive it, or a union that may be a `P` (a loop handler's payload after `flavor(msg)` said which,
 * telepot's idiom). Any other type must be a `P`: a `CallbackQuery` glanced as a chat message does not
 * compile.
 */
export type Glanceable<T, P> = string extends keyof T ? T : [Extract<T, P>] extends [never] ? P : T;
/** A chat's type: `"private"`, `"group"`, `"supergroup"` or `"channel"`. */
export type ChatType = Message["chat"]["type"];

/** `glance` of a `chat`/`edited_chat` message: content type, chat type, chat id. */
export type ChatHeadline = [contentType: ContentType, chatType: ChatType, chatId: number];
/** Long `glance` of a message: adds the date and the message id. */
export type ChatHeadlineLong = [
  contentType: ContentType,
  chatType: ChatType,
  chatId: number,
  date: number,
  messageId: number,
];
/** `glance` of a callback query: query id, sender id, callback data. */
export type CallbackQueryHeadline = [queryId: string, fromId: number, data: string | undefined];
/** `glance` of an inline query: query id, sender id, query text. */
export type InlineQueryHeadline = [queryId: string, fromId: number, query: string];
/** Long `glance` of an inline query: adds the offset. */
export type InlineQueryHeadlineLong = [queryId: string, fromId: number, query: string, offset: string];
/** `glance` of a chosen inline result: result id, sender id, query text. */
export type ChosenInlineResultHeadline = [resultId: string, fromId: number, query: string];
/** `glance` of a shipping query: query id, sender id, invoice payload. */
export type ShippingQueryHeadline = [queryId: string, fromId: number, invoicePayload: string];
/** `glance` of a pre-checkout query: query id, sender id, invoice payload. */
export type PreCheckoutQueryHeadline = [queryId: string, fromId: number, invoicePayload: string];
/** Long `glance` of a pre-checkout query: adds currency and total amount. */
export type PreCheckoutQueryHeadlineLong = [
  queryId: string,
  fromId: number,
  invoicePayload: string,
  currency: string,
  totalAmount: number,
];
/** `glance` of a chat-bound update (member change, join request, reaction): chat type, chat id, then a detail. */
export type ChatEventHeadline<D> = [chatType: ChatType, chatId: number, detail: D];
/** Long `glance` of a chat-bound update: adds its date. */
export type ChatEventHeadlineLong<D> = [chatType: ChatType, chatId: number, detail: D, date: number];

/**
 * The content type of a message: the first content field (from the generated list of every content
 * field of `Message`) that it has.
 *
 * @throws {BadFlavor} when the message has none of them (it is not a message of any known content), or
 *   is no object at all.
 */
export function contentType(msg: Message): ContentType {
  const type = contentTypeOrNull(msg);
  if (type !== null) return type;
  throw new BadFlavor(msg, "Message has no content field known to glance (text, photo, new_chat_members, …)");
}

/**
 * {@link contentType}, or `null` for what has no known content field (or is no object): what a key
 * function answers without throwing.
 */
export function contentTypeOrNull(msg: unknown): ContentType | null {
  if (typeof msg !== "object" || msg === null) return null;
  const record = msg as Record<string, unknown>;
  for (const type of MESSAGE_CONTENT_TYPES) {
    if (record[type] !== undefined && record[type] !== null) return type;
  }
  return null;
}

/** The flavors `glance` has a headline for, each with its own overload. */
export type HeadlineFlavor =
  | "chat"
  | "edited_chat"
  | "callback_query"
  | "inline_query"
  | "chosen_inline_result"
  | "shipping_query"
  | "pre_checkout_query"
  | "poll"
  | "poll_answer"
  | "my_chat_member"
  | "chat_member"
  | "chat_join_request"
  | "message_reaction"
  | "message_reaction_count"
  | "chat_boost"
  | "removed_chat_boost"
  | "business_connection"
  | "deleted_business_messages"
  | "purchased_paid_media"
  | "managed_bot"
  | "subscription"
  | "stopped_message_generation";

/**
 * The flavor argument of `glance` for a flavor known only at run time: any string type (`string`, a
 * union such as `UpdateFlavor`) except one {@link HeadlineFlavor} named literally, which has its own
 * overload checking the payload type.
 */
export type RuntimeFlavor<F extends string, Whole extends string = F> = F extends unknown
  // Distributed over F, each member of a union differs from the whole; a single flavor does not.
  ? ([Whole] extends [F] ? ([F] extends [HeadlineFlavor] ? never : F) : Whole)
  : never;

const headlines: Record<string, (m: LoopMessage, long: boolean) => unknown[]> = {
  chat: chatHeadline,
  edited_chat: chatHeadline,
  callback_query: (m) => [m.id, m.from.id, m.data],
  inline_query: (m, long) => long ? [m.id, m.from.id, m.query, m.offset] : [m.id, m.from.id, m.query],
  chosen_inline_result: (m) => [m.result_id, m.from.id, m.query],
  shipping_query: (m) => [m.id, m.from.id, m.invoice_payload],
  pre_checkout_query: (m, long) =>
    long
      ? [m.id, m.from.id, m.invoice_payload, m.currency, m.total_amount]
      : [m.id, m.from.id, m.invoice_payload],
  poll: (m, long) => long ? [m.id, m.question, m.total_voter_count, m.is_closed] : [m.id, m.question],
  poll_answer: (m) => [m.poll_id, m.user?.id ?? m.voter_chat?.id, m.option_ids],
  my_chat_member: (m, long) => chatEvent(m, m.from.id, long),
  chat_member: (m, long) => chatEvent(m, m.from.id, long),
  chat_join_request: (m, long) => chatEvent(m, m.from.id, long),
  message_reaction: (m, long) => chatEvent(m, m.message_id, long),
  message_reaction_count: (m, long) => chatEvent(m, m.message_id, long),
  chat_boost: (m) => [m.chat.type, m.chat.id, m.boost.boost_id],
  removed_chat_boost: (m) => [m.chat.type, m.chat.id, m.boost_id],
  business_connection: (m) => [m.id, m.user.id, m.is_enabled],
  deleted_business_messages: (m) => [m.business_connection_id, m.chat.id, m.message_ids],
  purchased_paid_media: (m) => [m.from.id, m.paid_media_payload],
  managed_bot: (m) => [m.user.id, m.bot.id],
  subscription: (m) => [m.user.id, m.invoice_payload, m.state],
  stopped_message_generation: (m) => [m.chat.type, m.chat.id, m.draft_id],
} satisfies Record<HeadlineFlavor, (m: LoopMessage, long: boolean) => unknown[]>;

function chatHeadline(m: LoopMessage, long: boolean): unknown[] {
  const type = contentType(m as Message);
  return long ? [type, m.chat.type, m.chat.id, m.date, m.message_id] : [type, m.chat.type, m.chat.id];
}

function chatEvent(m: LoopMessage, detail: unknown, long: boolean): unknown[] {
  return long ? [m.chat.type, m.chat.id, detail, m.date] : [m.chat.type, m.chat.id, detail];
}

/**
 * "Headline" info of a message of the given flavor (default `chat`), as a tuple; `long` asks for the
 * longer tuple where the flavor has one.
 *
 * - `chat`/`edited_chat`: `[contentType, chatType, chatId]`, long adds `date, messageId`.
 * - `callback_query`: `[id, fromId, data]`.
 * - `inline_query`: `[id, fromId, query]`, long adds `offset`.
 * - `chosen_inline_result`: `[resultId, fromId, query]`.
 * - `shipping_query`: `[id, fromId, invoicePayload]`.
 * - `pre_checkout_query`: `[id, fromId, invoicePayload]`, long adds `currency, totalAmount`.
 * - `poll`: `[id, question]`, long adds `totalVoterCount, isClosed`.
 * - `poll_answer`: `[pollId, voterId, optionIds]` (the user's id, or the voting chat's).
 * - `my_chat_member`/`chat_member`/`chat_join_request`: `[chatType, chatId, fromId]`, long adds `date`.
 * - `message_reaction`/`message_reaction_count`: `[chatType, chatId, messageId]`, long adds `date`.
 * - `chat_boost`: `[chatType, chatId, boostId]`; `removed_chat_boost`: `[chatType, chatId, boostId]`.
 * - `business_connection`: `[id, userId, isEnabled]`.
 * - `deleted_business_messages`: `[businessConnectionId, chatId, messageIds]`.
 * - `purchased_paid_media`: `[fromId, paidMediaPayload]`; `managed_bot`: `[userId, botId]`.
 * - `subscription`: `[userId, invoicePayload, state]`.
 * - `stopped_message_generation`: `[chatType, chatId, draftId]`.
 *
 * @throws {BadFlavor} for a flavor without a headline (events, kinds newer than this list).
 * @throws {BadFlavor} as well for a message with no content field, and for what is not a payload of
 *   the flavor (no object, or one without a field its headline reads).
 */
export function glance<T extends object>(
  msg: T & Glanceable<T, Message>,
  flavor?: "chat" | "edited_chat",
  long?: false,
): ChatHeadline;
/** `glance` of a `chat` | `edited_chat` message (long headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Message>,
  flavor: "chat" | "edited_chat",
  long: true,
): ChatHeadlineLong;
/** `glance` of a `callback_query` message (short headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"callback_query">>,
  flavor: "callback_query",
  long?: boolean,
): CallbackQueryHeadline;
/** `glance` of a `inline_query` message (short headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"inline_query">>,
  flavor: "inline_query",
  long?: false,
): InlineQueryHeadline;
/** `glance` of a `inline_query` message (long headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"inline_query">>,
  flavor: "inline_query",
  long: true,
): InlineQueryHeadlineLong;
/** `glance` of a `chosen_inline_result` message (short headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"chosen_inline_result">>,
  flavor: "chosen_inline_result",
  long?: boolean,
): ChosenInlineResultHeadline;
/** `glance` of a `shipping_query` message (short headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"shipping_query">>,
  flavor: "shipping_query",
  long?: boolean,
): ShippingQueryHeadline;
/** `glance` of a `pre_checkout_query` message (short headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"pre_checkout_query">>,
  flavor: "pre_checkout_query",
  long?: false,
): PreCheckoutQueryHeadline;
/** `glance` of a `pre_checkout_query` message (long headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"pre_checkout_query">>,
  flavor: "pre_checkout_query",
  long: true,
): PreCheckoutQueryHeadlineLong;
/** `glance` of a `poll` message (short headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"poll">>,
  flavor: "poll",
  long?: false,
): [id: string, question: string];
/** `glance` of a `poll` message (long headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"poll">>,
  flavor: "poll",
  long: true,
): [id: string, question: string, totalVoterCount: number, isClosed: boolean];
/** `glance` of a `poll_answer` message (short headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"poll_answer">>,
  flavor: "poll_answer",
  long?: boolean,
): [pollId: string, voterId: number, optionIds: number[]];
/** `glance` of a `my_chat_member` | `chat_member` message (short headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"chat_member">>,
  flavor: "my_chat_member" | "chat_member",
  long?: false,
): ChatEventHeadline<number>;
/** `glance` of a `my_chat_member` | `chat_member` message (long headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"chat_member">>,
  flavor: "my_chat_member" | "chat_member",
  long: true,
): ChatEventHeadlineLong<number>;
/** `glance` of a `chat_join_request` message (short headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"chat_join_request">>,
  flavor: "chat_join_request",
  long?: false,
): ChatEventHeadline<number>;
/** `glance` of a `chat_join_request` message (long headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"chat_join_request">>,
  flavor: "chat_join_request",
  long: true,
): ChatEventHeadlineLong<number>;
/** `glance` of a `message_reaction` | `message_reaction_count` message (short headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"message_reaction"> | Of<"message_reaction_count">>,
  flavor: "message_reaction" | "message_reaction_count",
  long?: false,
): ChatEventHeadline<number>;
/** `glance` of a `message_reaction` | `message_reaction_count` message (long headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"message_reaction"> | Of<"message_reaction_count">>,
  flavor: "message_reaction" | "message_reaction_count",
  long: true,
): ChatEventHeadlineLong<number>;
/** `glance` of a `chat_boost` | `removed_chat_boost` message (no long headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"chat_boost"> | Of<"removed_chat_boost">>,
  flavor: "chat_boost" | "removed_chat_boost",
  long?: boolean,
): ChatEventHeadline<string>;
/** `glance` of a `business_connection` message (no long headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"business_connection">>,
  flavor: "business_connection",
  long?: boolean,
): [id: string, userId: number, isEnabled: boolean];
/** `glance` of a `deleted_business_messages` message (no long headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"deleted_business_messages">>,
  flavor: "deleted_business_messages",
  long?: boolean,
): [businessConnectionId: string, chatId: number, messageIds: number[]];
/** `glance` of a `purchased_paid_media` message (no long headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"purchased_paid_media">>,
  flavor: "purchased_paid_media",
  long?: boolean,
): [fromId: number, paidMediaPayload: string];
/** `glance` of a `managed_bot` message (no long headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"managed_bot">>,
  flavor: "managed_bot",
  long?: boolean,
): [userId: number, botId: number];
/** `glance` of a `subscription` message (no long headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"subscription">>,
  flavor: "subscription",
  long?: boolean,
): [userId: number, invoicePayload: string, state: string];
/** `glance` of a `stopped_message_generation` message (no long headline). */
export function glance<T extends object>(
  msg: T & Glanceable<T, Of<"stopped_message_generation">>,
  flavor: "stopped_message_generation",
  long?: boolean,
): [chatType: string, chatId: number, draftId: number];
/**
 * `glance` for a flavor known only at run time (a `string`, an `UpdateFlavor`); a flavor named
 * literally takes its own overload, and with it the check of the payload type.
 */
export function glance<F extends string>(
  msg: object,
  flavor: RuntimeFlavor<F>,
  long?: boolean,
): unknown[];
export function glance(msg: object, flavor: string = "chat", long = false): unknown[] {
  const fn = headlines[flavor];
  if (!fn) throw new BadFlavor(flavor);
  if (typeof msg !== "object" || msg === null) throw new BadFlavor(msg, `No ${flavor} payload to glance at`);
  try {
    return fn(msg as LoopMessage, long);
  } catch (err) {
    // A headline only reads fields: a TypeError is a field it needs missing (`from` of a callback query).
    if (err instanceof TypeError) throw new BadFlavor(msg, `Not a ${flavor} payload: ${err.message}`);
    throw err;
  }
}

/** `[flavor, headline]` of a message: {@link flavor} then {@link glance} with that flavor (short headline). */
export function flance(msg: Message, long?: false): [flavor: "chat" | "edited_chat", headline: ChatHeadline];
/** `flance` of a message with the long headline. */
export function flance(
  msg: Message,
  long: true,
): [flavor: "chat" | "edited_chat", headline: ChatHeadlineLong];
/** `flance` of any update payload: its flavor and headline. */
export function flance(msg: object, long?: boolean): [flavor: UpdateFlavor, headline: unknown[]];
export function flance(msg: object, long = false): [flavor: UpdateFlavor, headline: unknown[]] {
  const f = flavorOf(msg) as UpdateFlavor;
  return [f, glance(msg, f, long)];
}
