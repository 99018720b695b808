import type { Obj } from "./types.ts";
import type { BotState, World } from "./world.ts";

/** Emulator-wide services a method handler may use besides the world. */
export interface Services {
  /** The world. */
  readonly world: World;
  /**
   * Starts or stops webhook delivery for a bot after its webhook changed. `renewed`: delivery starts
   * afresh (the server closes its webhook actor and makes a new one), forgetting the old one's retry
   * waits; otherwise a running delivery goes on as it was.
   */
  webhookChanged(bot: BotState, renewed?: boolean): void;
}

/** One Bot API call as a handler sees it. */
export interface CallContext {
  /** Emulator services (world, webhooks). */
  readonly services: Services;
  /** The world (same as `services.world`). */
  readonly world: World;
  /** Bot making the call. */
  readonly bot: BotState;
  /** Call parameters (coerced to their spec types when the spec table is loaded). */
  readonly params: Obj;
  /** Uploaded files by multipart field name. */
  readonly files: ReadonlyMap<string, File>;
  /** Canonical method name. */
  readonly method: string;
  /** Aborted when the client goes away (long polls stop waiting). */
  readonly signal?: AbortSignal;
}

/**
 * A result that is already JSON text, its file ids the calling bot's own (getUpdates reuses each update's
 * serialization, made for its bot).
 */
export class RawJson {
  /** JSON text of the result. */
  readonly text: string;
  /**
   * Wraps result JSON text.
   * @param text JSON text of the result.
   */
  constructor(text: string) {
    this.text = text;
  }
}

/** Implements one Bot API method; throws ApiFailure for a failed call. */
export type Handler = (ctx: CallContext) => unknown;
