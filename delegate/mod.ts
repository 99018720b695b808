/**
 * Seeders, delegators and pair producers for `DelegatorBot` (telepot's `telepot.delegate`): which
 * messages belong together (`perChatId`, `perInlineFromId`, `perCallbackQueryOrigin`, …), how a
 * delegate is made (`createOpen`, `createRun`, `call`), and pair producers that wire events and
 * callback-query capture across both (`paveEventSpace`, `includeCallbackQueryChatId`,
 * `interceptCallbackQueryOrigin`).
 *
 * @example The reference's message counter: one delegate per chat, closed after 10 idle seconds.
 * ```ts
 * import { ChatHandler, createOpen, DelegatorBot, paveEventSpace, perChatId } from "@telepot/telepot-ts";
 *
 * class MessageCounter extends ChatHandler {
 *   count = 0;
 *   async onChatMessage(): Promise<void> {
 *     this.count++;
 *     await this.sender.sendMessage(String(this.count));
 *   }
 * }
 *
 * const bot = new DelegatorBot("123:abc", [
 *   paveEventSpace()(perChatId(), createOpen, MessageCounter, { timeout: 10 }),
 * ]);
 * // bot.messageLoop() starts receiving; each chat gets its own MessageCounter.
 * ```
 *
 * @module
 */
export {
  type Delegate,
  type DelegateCall,
  type DelegateHandle,
  type DelegationPattern,
  type DelegationPatterns,
  type Delegator,
  DelegatorBot,
  type DelegatorBotOptions,
  type Msg,
  type Seeder,
  type SeedTuple,
  type StartableDelegate,
} from "../bot/delegator_bot.ts";
export { Mailbox } from "../bot/mailbox.ts";
export {
  type Ear,
  EVENT_PAYLOAD,
  type IndexKey,
  type IndexPath,
  Microphone,
  type Tuner,
} from "../bot/microphone.ts";
export { Receipt } from "../bot/receipt.ts";
export { seedKey } from "../bot/seed_key.ts";
export * from "./compose.ts";
export * from "./delegators.ts";
export * from "./seeders.ts";
