/**
 * Seeders, delegators and pair producers for `DelegatorBot` (telepot's `telepot.delegate`).
 *
 * @module
 */
export {
  type Delegate,
  type DelegateCall,
  type DelegateHandle,
  type DelegationPattern,
  type Delegator,
  DelegatorBot,
  type DelegatorBotOptions,
  Mailbox,
  type Msg,
  type Seeder,
  seedKey,
  type SeedTuple,
  type StartableDelegate,
} from "../bot/delegator_bot.ts";
export * from "./compose.ts";
export * from "./delegators.ts";
export * from "./seeders.ts";
