/**
 * Key functions and routing tables for `Router` (telepot's `telepot.routing`).
 *
 * @module
 */
export * from "./key_functions.ts";
export * from "./routing_table.ts";
