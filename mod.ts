/**
 * telepot-ts: telepot for TypeScript. This front door re-exports the whole library for URL and JSR
 * imports: the {@link Bot} and {@link DelegatorBot} classes, telepot's functions (`flavor`, `glance`,
 * …), delegation (`perChatId`, `createOpen`, …), helpers (`ChatHandler`, `Listener`, …), routing
 * (`byCommand`, …), errors, and every Bot API type. `namedtuple` factories share their names with the
 * Bot API types, so they come as a namespace; every module is also a namespace (`delegate`,
 * `helper`, …) as in telepot. The Bot API emulator for tests is its own entry point,
 * `@telepot/telepot-ts/testing`.
 *
 * @example
 * ```ts
 * import { Bot, flance } from "@telepot/telepot-ts";
 * const bot = new Bot("123:abc");
 * const loop = bot.messageLoop((msg) => console.log(flance(msg)));
 * await loop.stop();
 * ```
 *
 * @module
 */
export * from "./api/mod.ts";
export { DelegatorBot } from "./bot/delegator_bot.ts";
export * from "./bot/mod.ts";
export * from "./delegate/mod.ts";
export * from "./helper/mod.ts";
// bot/ and helper/ both name their tables RoutingTable; the loop's is the one telepot users meet first.
export * as api from "./api/mod.ts";
export type { RoutingTable } from "./bot/mod.ts";
export * as delegate from "./delegate/mod.ts";
export * from "./exception/mod.ts";
export * as exception from "./exception/mod.ts";
export * as helper from "./helper/mod.ts";
export * as namedtuple from "./namedtuple/mod.ts";
export * from "./routing/mod.ts";
export * as routing from "./routing/mod.ts";
export * from "./storage/mod.ts";
