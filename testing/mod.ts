/**
 * The Bot API emulator: a local, stateful Telegram for tests, demos and offline development.
 *
 * `BotApiEmulator.start()` serves the Bot API on loopback (`emu.apiRoot`); any client pointed at it works
 * unchanged. The world holds users, private chats, groups, supergroups, channels and bots; scripted users
 * act in it (text and any content, edits, inline buttons, inline queries, joins, payments) and bots see their
 * actions as updates through getUpdates or a webhook. Faults (HTTP statuses, Telegram errors, latency,
 * dropped connections, HTML pages) can be injected per method or globally, for a number of calls or with a
 * probability. Times are in seconds. `deno task emulator` runs it on its own and prints its `apiRoot`.
 *
 * @example
 * ```ts
 * import { BotApiEmulator } from "@telepot/telepot-ts/testing";
 *
 * const emu = await BotApiEmulator.start();
 * const { token } = emu.createBot({ username: "echo_bot" });
 * const alice = emu.createUser({ first_name: "Alice" });
 * await alice.sendText(alice.id, "/start");
 *
 * // The bot under test polls and replies over HTTP:
 * const updates = await (await fetch(`${emu.apiRoot}/bot${token}/getUpdates`)).json();
 * const chatId = updates.result[0].message.chat.id;
 * await (await fetch(`${emu.apiRoot}/bot${token}/sendMessage?chat_id=${chatId}&text=hello`)).json();
 *
 * const reply = await emu.nextBotMessage(alice.id, { timeout: 2 });
 * console.log(reply.text); // "hello"
 * await emu.close();
 * ```
 *
 * @module
 */
export type { LocalFile } from "../api/input_file.ts";
export type {
  CallbackQuery,
  Chat,
  ChosenInlineResult,
  components,
  InlineQuery,
  InputFile,
  Message,
  OrderInfo,
  RichTextList,
  ShippingAddress,
  Update,
  User,
} from "../api/types.gen.ts";
export type { ConnectionDeadlines } from "../platform/serve.ts";
export { describeMessage, runConsole } from "./console.ts";
export type { ConsoleOptions, LineWriter } from "./console.ts";
export type { CallContext, Handler, Services } from "./context.ts";
export { RawJson } from "./context.ts";
export { Dispatcher } from "./dispatcher.ts";
export type { Validator } from "./dispatcher.ts";
export { BotApiEmulator } from "./emulator.ts";
export type {
  BotHandle,
  ChannelOptions,
  ChatOptions,
  EmulatorOptions,
  GroupOptions,
  ObserveOptions,
  UserOptions,
} from "./emulator.ts";
export { ObservationTimeout, ScriptError } from "./failure.ts";
export { ApiFailure } from "./failure.ts";
export { blockedByUser, notModified, tooManyRequests } from "./faults.ts";
export type { Fault, FaultError, FaultSpec } from "./faults.ts";
export { FaultInjector } from "./faults.ts";
export { FileStore } from "./files.ts";
export type { StoredFile } from "./files.ts";
export { FloodGate, TELEGRAM_FLOOD_LIMITS } from "./flood.ts";
export type { FloodLimits } from "./flood.ts";
export { InviteBook } from "./invites.ts";
export type { InviteState, JoinRequestState } from "./invites.ts";
export type { EmulatorWarning, WarningSink } from "./lenient.ts";
export type { CallInput, RequestLimits } from "./params.ts";
export { ScriptedUser } from "./scripted_user.ts";
export { StarLedger } from "./stars.ts";
export type { BusinessState, StarCharge } from "./stars.ts";
export type { StickerSetState } from "./sticker_sets.ts";
export type { ChatObj, ChatType, MessageObj, Obj, UserObj } from "./types.ts";
export { WebUi } from "./ui/server.ts";
export type { WebUiOptions } from "./ui/server.ts";
export { DEFAULT_UPDATE_LIFETIME, UPDATE_LIFETIMES, updateExpiry } from "./update_lifetime.ts";
export { UpdateQueue } from "./update_queue.ts";
export type { PendingUpdate, PollOutcome } from "./update_queue.ts";
export type { PaymentOutcome, PayOptions } from "./user_payment.ts";
export type * from "./user_types.ts";
export type {
  BotAccount,
  BotState,
  ChatState,
  InlineMessageState,
  QueryState,
  WebhookConfig,
  World,
  WorldChange,
} from "./world.ts";
