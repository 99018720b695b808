import { eventKey } from "./event_key.ts";
import { Mailbox } from "./mailbox.ts";
import type { Receipt } from "./receipt.ts";
import { hashKey } from "./seed_key.ts";

/** In an {@link IndexPath}, the payload of an event: the value under its single `_flavor` key. */
export const EVENT_PAYLOAD: unique symbol = Symbol("event payload");

/**
 * Where in a message to look: field names from the top, {@link EVENT_PAYLOAD} for an event's payload,
 * or a function computing something of the value reached so far (its flavor, say).
 */
export type IndexPath = readonly (string | typeof EVENT_PAYLOAD | ((value: object) => unknown))[];

/**
 * `[path, value]`: what every message a pattern captures has at `path` (a number, string, bigint,
 * boolean, or an array of those). The microphone looks a message's value up instead of asking the
 * pattern.
 */
export type IndexKey = readonly [path: IndexPath, value: unknown];

/** What decides which broadcast messages a mailbox receives: a `Listener` and its captured patterns. */
export interface Ear<T> {
  /** Whether `item` is wanted. */
  hears(item: T): boolean;
  /**
   * One key per captured pattern, in capture order; `undefined` for a pattern that has none (then the ear
   * is asked about every message).
   */
  readonly keys: readonly (IndexKey | undefined)[];
}

/** What a mailbox tells its microphone. */
export interface Tuner<T> {
  /** The mailbox's ears changed: file it again. */
  tune(box: Mailbox<T>): void;
  /** The mailbox is closed or given up: forget it. */
  remove(box: Mailbox<T>): void;
}

class PathIndex<T> {
  readonly byValue = new Map<unknown, Mailbox<T> | Mailbox<T>[]>();
  readonly id: string;
  readonly path: IndexPath;
  constructor(id: string, path: IndexPath) {
    this.id = id;
    this.path = path;
  }
}

// `Mailbox.filed` holds how many of its keys are filed here (the keys of its ears' patterns, which only
// ever grow, in order, so the first ones are always the same), or one of these.
const SCANNED = -1;
const STRAY = -2;

/**
 * The bot-wide microphone (telepot's `Microphone`): every message a `DelegatorBot` handles is offered to
 * every mailbox with ears, in the order the bot handles them, so each delegate sees its messages in
 * order. A mailbox receives the messages its ears hear.
 *
 * Finding the hearers costs little per message however many delegates live: a mailbox whose every
 * pattern names one value at one place (`{ chat: { id: 5 } }`, a delegate's own events) is filed under
 * those values, and a message is looked up by its value at each such place; only the other mailboxes
 * are asked one by one. Mailboxes made outside a delegate ({@link stray}) are held weakly: one that
 * nobody references any more is dropped, unread messages and all.
 */
export class Microphone<T extends object> implements Tuner<T> {
  readonly #paths = new Map<string, PathIndex<T>>();
  readonly #scanned = new Set<Mailbox<T>>();
  readonly #strays = new Set<WeakRef<Mailbox<T>>>();
  #sequence = 0;

  /** A new delegate mailbox, filed here once it has ears. */
  mailbox(): Mailbox<T> {
    return new Mailbox<T>(this);
  }

  /** A new mailbox outside any delegate: it hears broadcasts while referenced, and holds no receipts. */
  stray(): Mailbox<T> {
    const box = new Mailbox<T>(this);
    box.filed = STRAY;
    this.#strays.add(new WeakRef(box));
    return box;
  }

  /** Files a delegate mailbox's new keys, after its ears captured more. */
  tune(box: Mailbox<T>): void {
    if (box.filed === STRAY || box.filed === SCANNED || box.closed) return;
    const { flat: keys, complete } = keysOf(box);
    if (!complete) {
      this.#unfile(box);
      this.#scanned.add(box);
      box.filed = SCANNED;
      return;
    }
    for (let i = box.filed; i < keys.length; i += 2) {
      const path = keys[i] as IndexPath;
      const id = pathId(path);
      let index = this.#paths.get(id);
      if (index === undefined) this.#paths.set(id, index = new PathIndex<T>(id, path));
      const v = keys[i + 1];
      const there = index.byValue.get(v);
      if (there === undefined) index.byValue.set(v, box);
      else if (Array.isArray(there)) there.push(box);
      else index.byValue.set(v, [there, box]);
    }
    box.filed = keys.length;
  }

  /** Forgets a mailbox: it hears nothing more. */
  remove(box: Mailbox<T>): void {
    if (box.filed === STRAY) {
      for (const ref of this.#strays) {
        if (ref.deref() === box) this.#strays.delete(ref);
      }
      return;
    }
    this.#unfile(box);
  }

  /** Offers `msg` to every mailbox; those that hear it hold `receipt` until their reader has handled it. */
  send(msg: T, receipt: Receipt): void {
    const sequence = ++this.#sequence;
    for (const index of this.#paths.values()) {
      const v = indexValue(valueAt(msg, index.path));
      if (v === undefined) continue;
      const found = index.byValue.get(v);
      if (found === undefined) continue;
      if (Array.isArray(found)) {
        for (const box of found.slice()) offer(box, msg, receipt, sequence);
      } else {
        offer(found, msg, receipt, sequence);
      }
    }
    for (const box of this.#scanned) offer(box, msg, receipt, sequence);
    for (const ref of this.#strays) {
      const box = ref.deref();
      if (box === undefined) this.#strays.delete(ref);
      else offer(box, msg, undefined, sequence);
    }
  }

  #unfile(box: Mailbox<T>): void {
    const filed = box.filed;
    box.filed = 0;
    if (filed === SCANNED) {
      this.#scanned.delete(box);
      return;
    }
    if (filed <= 0) return;
    const keys = keysOf(box).flat;
    for (let i = 0; i < filed; i += 2) {
      const index = this.#paths.get(pathId(keys[i] as IndexPath));
      if (index === undefined) continue;
      const v = keys[i + 1];
      const there = index.byValue.get(v);
      if (there === box) index.byValue.delete(v);
      else if (Array.isArray(there)) {
        const at = there.indexOf(box);
        if (at >= 0) there.splice(at, 1);
        if (there.length === 1) index.byValue.set(v, there[0]);
      }
      if (index.byValue.size === 0) this.#paths.delete(index.id);
    }
  }
}

// The mailbox's keys as [path, value, path, value, …] with values as filed, up to the first pattern
// without one (or with a value that cannot be filed); `complete` tells whether there was none such.
function keysOf<T>(box: Mailbox<T>): { flat: unknown[]; complete: boolean } {
  const flat: unknown[] = [];
  for (const ear of box.ears) {
    for (const key of ear.keys) {
      if (key === undefined) return { flat, complete: false };
      const [path, value] = key;
      const v = indexValue(value);
      if (v === undefined) return { flat, complete: false };
      flat.push(path, v);
    }
  }
  return { flat, complete: true };
}

function offer<T>(box: Mailbox<T>, msg: T, receipt: Receipt | undefined, sequence: number): void {
  // A mailbox filed under two places that both match hears the message once.
  if (box.heard === sequence) return;
  box.heard = sequence;
  if (box.hears(msg)) box.put(msg, receipt);
}

const functionIds = new WeakMap<object, number>();
let lastFunctionId = 0;

function pathId(path: IndexPath): string {
  return path.map((step) => {
    if (step === EVENT_PAYLOAD) return "\u0001";
    if (typeof step === "string") return step;
    let id = functionIds.get(step);
    if (id === undefined) functionIds.set(step, id = ++lastFunctionId);
    return `\u0002${id}`;
  }).join("\u0000");
}

function valueAt(msg: object, path: IndexPath): unknown {
  let v: unknown = msg;
  for (let i = 0; i < path.length; i++) {
    if (typeof v !== "object" || v === null) return undefined;
    const step = path[i];
    if (step === EVENT_PAYLOAD) {
      const flavor = eventKey(v);
      if (flavor === undefined) return undefined;
      v = (v as Record<string, unknown>)[flavor];
    } else if (typeof step === "string") {
      v = (v as Record<string, unknown>)[step];
    } else {
      // A message it cannot make sense of has no value here; its listeners are not asked about it.
      try {
        v = step(v);
      } catch {
        return undefined;
      }
    }
  }
  return v;
}

// The key a value is filed under: itself for a primitive, a tagged encoding for an array of primitives.
// A string that happens to equal an encoding only costs one more question to the ear.
function indexValue(v: unknown): unknown {
  return hashKey(v, taggedEncoding);
}

const taggedEncoding = (encoded: string): string => `\u0000${encoded}`;
