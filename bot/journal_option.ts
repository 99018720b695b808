import { BadInput } from "../exception/bad_input.ts";
import type { Journal } from "./journal.ts";
import type { Receiver } from "./receiver.ts";

const SQLITE_JOURNAL = "./sqlite_journal.ts";
const METHODS = ["open", "append", "take", "attempt", "ack", "deadLetter", "unacked", "deadLetters", "close"];

/**
 * Checks `messageLoop`'s `journal` option before anything starts.
 *
 * @throws {BadInput} unless it is absent, a non-empty path, or an object with every Journal method.
 */
export function checkJournal(option: unknown): void {
  if (option === undefined) return;
  if (typeof option === "string" && option !== "") return;
  const ok = typeof option === "object" && option !== null
    && METHODS.every((m) => typeof (option as Record<string, unknown>)[m] === "function");
  if (!ok) throw new BadInput("options.journal", "a database path, sqliteJournal(path), or a Journal object");
}

/**
 * The journal a loop uses: the receiver's memory journal when none is named (what it holds stays),
 * a SQLite journal for a path (its module loaded only now, so that runtimes without `node:sqlite`
 * never load it), or the object given.
 */
export async function resolveJournal(
  option: Journal | string | undefined,
  receiver: Receiver,
): Promise<Journal> {
  // Between loops the receiver's journal is always the memory one (a durable one is closed at stop).
  if (option === undefined) return receiver.journal;
  if (typeof option !== "string") return option;
  // A specifier in a variable: bundlers leave the import for run time instead of inlining the module
  // (and `node:sqlite` with it) into a bundle meant for Node 20.
  const module: typeof import("./sqlite_journal.ts") = await import(SQLITE_JOURNAL);
  return module.sqliteJournal(option);
}
