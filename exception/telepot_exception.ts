/**
 * Base class of every error telepot-ts throws on purpose, so one `catch (e) { if (e instanceof
 * TelepotException) … }` covers them all.
 */
export class TelepotException extends Error {
  /**
   * Creates the error.
   *
   * @param message human-readable explanation (never contains the bot token).
   * @param options standard `ErrorOptions`; a `cause` must already be free of the token.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    // Subclasses inherit this, so `err.name` is always the concrete class name.
    this.name = new.target.name;
  }

  /**
   * A plain-object view for `JSON.stringify`: the name, the message and every own field. Errors have
   * no enumerable `name`/`message` by default, which would make logged JSON useless.
   */
  toJSON(): Record<string, unknown> {
    const view: Record<string, unknown> = { name: this.name, message: this.message };
    Object.assign(view, this);
    for (const [key, value] of Object.entries(view)) {
      // A Response serialises as {}: show its status line and headers instead (it has no body or URL).
      if (value instanceof Response) {
        view[key] = {
          status: value.status,
          statusText: value.statusText,
          headers: Object.fromEntries(value.headers),
        };
      }
    }
    if (this.cause !== undefined) view.cause = causeView(this.cause, 0);
    return view;
  }
}

const MAX_CAUSE_DEPTH = 8;

/** The cause chain as plain objects (name and message of each), so JSON shows why, not `{}`. */
function causeView(cause: unknown, depth: number): unknown {
  if (!(cause instanceof Error)) return typeof cause === "object" && cause !== null ? String(cause) : cause;
  const view: Record<string, unknown> = { name: cause.name, message: cause.message };
  if (cause.cause !== undefined && depth < MAX_CAUSE_DEPTH) view.cause = causeView(cause.cause, depth + 1);
  return view;
}
