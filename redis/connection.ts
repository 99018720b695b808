// The one dependency of this entry point, named here so that it stays out of deno.json (and of the core).
// deno-lint-ignore no-import-prefix
import { Redis } from "npm:ioredis@5.4.2";
import { TelepotException } from "../exception/telepot_exception.ts";
import { APPEND, RELEASE, RENEW } from "./scripts.ts";
import { STATE_DELETE, STATE_SCAN, STATE_SET } from "./storage_scripts.ts";

/** A raw reply of Redis: strings, numbers, nulls and arrays of them. */
export type Reply = string | number | null | Reply[];

/** The commands the journal uses, its Lua scripts included. */
export interface Connection {
  /** Any command, its raw reply. */
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  /** Runs the append script. */
  telepotAppend(...args: (string | number)[]): Promise<string[]>;
  /** Runs the renew script on `count` leases. */
  telepotRenew(count: number, ...args: (string | number)[]): Promise<number[]>;
  /** Runs the release script on `count` leases. */
  telepotRelease(count: number, ...args: (string | number)[]): Promise<number>;
  /** Runs the storage's compare-and-set script (2 keys). */
  telepotStateSet(...args: (string | number)[]): Promise<[number, number]>;
  /** Runs the storage's compare-and-delete script (2 keys). */
  telepotStateDelete(...args: (string | number)[]): Promise<[number, number]>;
  /** Runs the storage's scan script (1 key). */
  telepotStateScan(...args: (string | number)[]): Promise<string[]>;
  /** A transaction of several commands (names in lower case, as the client spells its methods). */
  multi(commands: (string | number)[][]): { exec(): Promise<unknown> };
  /** Closes the connection once pending replies arrived. */
  quit(): Promise<unknown>;
  /** Closes the connection now. */
  disconnect(): void;
}

/**
 * Opens a connection to `url`. Commands issued in the same tick go out as one pipeline (fewer round
 * trips when many lanes ack at once); a connection that drops is retried by the client.
 */
export async function connect(url: string): Promise<Connection> {
  const redis = new Redis(url, { lazyConnect: true, enableAutoPipelining: true, maxRetriesPerRequest: 5 });
  redis.defineCommand("telepotAppend", { numberOfKeys: 0, lua: APPEND });
  redis.defineCommand("telepotRenew", { lua: RENEW });
  redis.defineCommand("telepotRelease", { lua: RELEASE });
  redis.defineCommand("telepotStateSet", { numberOfKeys: 2, lua: STATE_SET });
  redis.defineCommand("telepotStateDelete", { numberOfKeys: 2, lua: STATE_DELETE });
  redis.defineCommand("telepotStateScan", { numberOfKeys: 1, lua: STATE_SCAN });
  // Without a listener the client reports every failed reconnection on the console on its own. The last
  // error is what a failed connect is about (the client's own rejection only says it is closed).
  let last: Error | undefined;
  redis.on("error", (error: Error) => void (last = error));
  try {
    await redis.connect();
  } catch (error) {
    // Else the client goes on reconnecting for ever, and keeps the process alive.
    redis.disconnect();
    const cause = last ?? error;
    throw new TelepotException(`cannot connect to Redis: ${(cause as Error)?.message ?? cause}`, { cause });
  }
  return redis as unknown as Connection;
}
