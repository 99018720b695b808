/**
 * telepot's `namedtuple` module: one factory per Bot API object type, named after the type.
 *
 * @example
 * ```ts
 * import { InlineKeyboardButton, InlineKeyboardMarkup } from "@telepot/telepot-ts/namedtuple";
 * const markup = InlineKeyboardMarkup({
 *   inline_keyboard: [[InlineKeyboardButton({ text: "Press me", callback_data: "press" })]],
 * });
 * JSON.stringify(markup); // no null fields
 * ```
 *
 * @module
 */
export type { Nullable } from "../api/nullable.ts";
export * from "./factories.gen.ts";
export { type NamedTuple, namedtuple, type NamedTupleFactory } from "./namedtuple.ts";
