import { BadInput } from "../exception/bad_input.ts";

/**
 * What a broadcast knows about one chat: `sending` is written as its call goes out (after any wait in
 * a throttle's queue), the outcome after it.
 */
export interface BroadcastRecord {
  /** The chat id as given to the broadcast. */
  readonly chat: number | string;
  /** `sending`: the call may have gone out; `sent`: Telegram took it; `failed`: Telegram refused it. */
  readonly state: "sending" | "sent" | "failed";
  /** Why it failed (see `BroadcastFailure.reason`). */
  readonly reason?: string;
  /** Telegram's description of the failure. */
  readonly description?: string;
}

/**
 * Where a broadcast keeps its progress, so that a run after a restart skips the chats already handled.
 * `record` must have the record on disk (or wherever) when its promise resolves.
 */
export interface BroadcastStore {
  /** The last record of every chat earlier runs wrote. */
  load(): Promise<Map<string, BroadcastRecord>>;
  /** Adds a record; records of one chat are written in the order given. */
  record(entry: BroadcastRecord): Promise<void>;
  /** Releases the store (closes its file). */
  close(): Promise<void>;
}

function fs(): Promise<typeof import("node:fs/promises")> {
  return import("node:fs/promises");
}

/** A {@link BroadcastStore} in a JSON-lines file: one record a line, appended, each line one write. */
class JsonLinesStore implements BroadcastStore {
  readonly #path: string;
  #file: Promise<import("node:fs/promises").FileHandle> | undefined;
  #tail: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
  }

  async load(): Promise<Map<string, BroadcastRecord>> {
    const records = new Map<string, BroadcastRecord>();
    let text: string;
    try {
      text = await (await fs()).readFile(this.#path, "utf8");
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return records;
      throw error;
    }
    for (const line of text.split("\n")) {
      let entry: BroadcastRecord;
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // an empty line, or a line cut short by a crash: its chat stays "sending" at worst
      }
      if (entry !== null && typeof entry === "object" && "chat" in entry) {
        records.set(String(entry.chat), entry);
      }
    }
    return records;
  }

  record(entry: BroadcastRecord): Promise<void> {
    const line = JSON.stringify(entry) + "\n";
    this.#tail = this.#tail.then(async () => {
      this.#file ??= this.#open();
      await (await this.#file).appendFile(line);
    });
    return this.#tail;
  }

  // A line a crash cut short is ended first: the next record would otherwise join it, unreadable.
  async #open(): Promise<import("node:fs/promises").FileHandle> {
    const file = await (await fs()).open(this.#path, "a+");
    try {
      const { size } = await file.stat();
      if (size > 0) {
        const last = new Uint8Array(1);
        await file.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) await file.appendFile("\n");
      }
      return file;
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#tail.catch(() => {});
    if (this.#file !== undefined) await (await this.#file).close();
    this.#file = undefined;
  }
}

/**
 * A broadcast store in a JSON-lines file at `path` (created on the first record). A crash loses at most
 * the line being written; the chat it was about counts as `sending` (uncertain) after the restart.
 *
 * @param path the file; a broadcast run again with the same file resumes.
 * @throws {BadInput} when `path` is not a non-empty string.
 *
 * @example
 * ```ts
 * import { Api, broadcast, jsonLinesStore } from "@telepot/telepot-ts";
 * const api = new Api("123:abc");
 * const run = () => broadcast(api, [1, 2, 3], "Hello", { store: jsonLinesStore("news.jsonl") });
 * ```
 */
export function jsonLinesStore(path: string): BroadcastStore {
  if (typeof path !== "string" || path === "") throw new BadInput("jsonLinesStore path", "a file path");
  return new JsonLinesStore(path);
}
