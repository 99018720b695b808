// The one dependency of this entry point, named here so that it stays out of deno.json (and of the core).
// deno-lint-ignore no-import-prefix
import { Redis } from "npm:ioredis@5.4.2";
import { APPEND, RELEASE, RENEW } from "./scripts.ts";

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
  // Without a listener the client reports every failed reconnection on the console on its own.
  redis.on("error", () => {});
  await redis.connect();
  return redis as unknown as Connection;
}
