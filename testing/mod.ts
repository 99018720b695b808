/**
 * The Bot API emulator: a local, stateful Telegram for tests, demos and offline development.
 *
 * @module
 */
export { BotApiEmulator } from "./emulator.ts";
export type { BotHandle, ChannelOptions, EmulatorOptions, GroupOptions, ObserveOptions } from "./emulator.ts";
export { ObservationTimeout } from "./failure.ts";
export { blockedByUser, notModified, tooManyRequests } from "./faults.ts";
export type { Fault, FaultError, FaultSpec } from "./faults.ts";
export { ScriptedUser } from "./scripted_user.ts";
export type { BotRef, ChatRef, UserSendOptions } from "./scripted_user.ts";
export type { ChatObj, ChatType, MessageObj, Obj, UserObj } from "./types.ts";
