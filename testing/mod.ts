/**
 * The Bot API emulator: a local, stateful Telegram for tests, demos and offline development.
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
export type { CallContext, Handler, Services } from "./context.ts";
export { RawJson } from "./context.ts";
export { Dispatcher } from "./dispatcher.ts";
export type { Validator } from "./dispatcher.ts";
export { BotApiEmulator } from "./emulator.ts";
export type { BotHandle, ChannelOptions, EmulatorOptions, GroupOptions, ObserveOptions } from "./emulator.ts";
export { ObservationTimeout } from "./failure.ts";
export { ApiFailure } from "./failure.ts";
export { blockedByUser, notModified, tooManyRequests } from "./faults.ts";
export type { Fault, FaultError, FaultSpec } from "./faults.ts";
export { FaultInjector } from "./faults.ts";
export { FileStore } from "./files.ts";
export type { StoredFile } from "./files.ts";
export type { CallInput } from "./params.ts";
export { ScriptedUser } from "./scripted_user.ts";
export type {
  BotRef,
  ButtonRef,
  ChatRef,
  KeyboardHost,
  PaymentOutcome,
  PayOptions,
  UserSendOptions,
  UserWorld,
} from "./scripted_user.ts";
export type { ChatObj, ChatType, MessageObj, Obj, UserObj } from "./types.ts";
export { UpdateQueue } from "./update_queue.ts";
export type { PollOutcome } from "./update_queue.ts";
export type { BotState, ChatState, InlineMessageState, QueryState, WebhookConfig, World } from "./world.ts";
