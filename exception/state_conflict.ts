import { TelepotException } from "./telepot_exception.ts";

/**
 * A stored value was not at the version its writer read: another process (or another writer in this
 * one) changed it in between. The write was refused, so two owners never both think the value is
 * theirs; the message being handled is reported and not acknowledged, and is handled again from the
 * stored value.
 */
export class StateConflict extends TelepotException {
  /** The storage key. */
  readonly key: string;
  /** The version the writer expected (0: that the key was absent). */
  readonly expected: number;
  /** The version found (0: absent). */
  readonly found: number;

  /**
   * Creates the error.
   *
   * @param key the storage key.
   * @param expected the version the writer expected.
   * @param found the version found.
   */
  constructor(key: string, expected: number, found: number) {
    super(
      `${key} was changed by another writer: expected version ${expected}, found ${found}; the write was refused`,
    );
    this.key = key;
    this.expected = expected;
    this.found = found;
  }
}
