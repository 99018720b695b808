import { UPDATE_KINDS } from "../api/classification.gen.ts";
import { BadFlavor } from "../exception/bad_flavor.ts";
import { BadInput } from "../exception/bad_input.ts";
import { flavor, flavorOfKind } from "./flavor.ts";

/** `new_chat_members` → `NewChatMembers`; leading underscores of event flavors are dropped. */
export function pascalCase(key: string): string {
  return key.split("_").filter((s) => s.length > 0).map((s) => s[0].toUpperCase() + s.slice(1)).join("");
}

// The chat flavors keep telepot's method names; other names are derived once and remembered here.
const METHOD_NAMES = new Map<string, string>([
  ["chat", "onChatMessage"],
  ["edited_chat", "onEditedChatMessage"],
]);

/**
 * The handler method for a flavor: `chat` → `onChatMessage`, `edited_chat` → `onEditedChatMessage`,
 * `callback_query` → `onCallbackQuery`, an event `_idle` → `onIdle`.
 */
export function handlerName(flavorName: string): string {
  let name = METHOD_NAMES.get(flavorName);
  if (name === undefined) {
    name = "on" + pascalCase(flavorName);
    METHOD_NAMES.set(flavorName, name);
  }
  return name;
}

/** The flavor of every Update kind, once each: `chat`, `edited_chat`, `callback_query`, `poll_answer`, … */
export const UPDATE_FLAVORS: readonly string[] = [...new Set(UPDATE_KINDS.map(flavorOfKind))];

// Methods an event must never reach through the flavor router: a delegate's own entry points (an
// `_message` event would re-enter `onMessage` for ever, `_close` would look like a close) and the
// handlers of real updates (an `_chat_message` event is not a chat message).
const RESERVED_METHODS: ReadonlySet<string> = new Set([
  "onMessage",
  "onClose",
  ...UPDATE_FLAVORS.map(handlerName),
]);

/**
 * Checks a custom event flavor: it starts with `_`, and the handler method the flavor router derives
 * from it (`_alarm` → `onAlarm`) is not one the delegate machinery or an update flavor already uses.
 *
 * @throws {BadInput} naming the flavor and the method it would collide with.
 */
export function checkEventFlavor(flavorName: string): void {
  if (typeof flavorName !== "string" || !flavorName.startsWith("_") || pascalCase(flavorName) === "") {
    throw new BadInput("event flavor", "a name starting with _, such as _alarm");
  }
  const method = handlerName(flavorName);
  if (RESERVED_METHODS.has(method)) {
    throw new BadInput(
      `event flavor ${flavorName}`,
      `a name whose handler is not ${method}, which delegates already use: pick another`,
    );
  }
}

/** Whether `flavorName`'s handler would be a reserved method (see {@link checkEventFlavor}). */
export function isReservedEventFlavor(flavorName: string): boolean {
  return RESERVED_METHODS.has(handlerName(flavorName));
}

/**
 * Calls `obj`'s method for `msg`'s flavor (`onChatMessage`, `onCallbackQuery`, `onAlarm` for an
 * `_alarm` event, …) and returns what it returns: telepot's default router of `Bot`.
 *
 * @throws {BadFlavor} "no handler for …" when `obj` has no such method, or when an event's name would
 *   reach a reserved method (see {@link checkEventFlavor}).
 */
export function callFlavorMethod(obj: object, msg: Record<string, unknown>): unknown {
  const f = flavor(msg);
  const name = handlerName(f);
  if (f.startsWith("_") && RESERVED_METHODS.has(name)) {
    throw new BadFlavor(msg, `No handler for ${f}: events of this name are not routed to ${name}`);
  }
  const method = (obj as Record<string, unknown>)[name];
  if (typeof method !== "function") {
    const owner = obj.constructor?.name || "the bot";
    throw new BadFlavor(
      msg,
      `No handler for ${f}: define ${name} on ${owner}, or give messageLoop a handler`,
    );
  }
  return method.call(obj, msg);
}

/** Whether `obj` has the handler method of `flavorName`. */
export function hasFlavorMethod(obj: object, flavorName: string): boolean {
  return typeof (obj as Record<string, unknown>)[handlerName(flavorName)] === "function";
}
