/**
 * Seeders, delegators and pair producers for `DelegatorBot` (telepot's `telepot.delegate`).
 *
 * @module
 */
export * from "./compose.ts";
export * from "./delegators.ts";
export * from "./seeders.ts";
