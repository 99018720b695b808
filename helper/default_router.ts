import type { Msg } from "../bot/delegator_bot.ts";
import { eventKey } from "../bot/event_key.ts";
import { isReservedEventFlavor } from "../bot/flavor_method.ts";
import { BadFlavor } from "../exception/bad_flavor.ts";
import type { ListenerContext } from "./contexts.ts";
import { checkBase, type Constructor } from "./mixin.ts";
import { handlerName, quickFlavor } from "./quick_flavor.ts";
import { reportFailure } from "./report.ts";
import { Router, type RouterTable } from "./router.ts";

/** What {@link DefaultRouterMixin} adds. */
export interface DefaultRouted {
  /** Routes by flavor to `onChatMessage`, `onCallbackQuery`, `onIdle`…; extend `router.routingTable` freely. */
  readonly router: Router;
  /** Routes a message with {@link DefaultRouted.router}. */
  onMessage(msg: Msg): unknown;
}

const STANDARD_FLAVORS = [
  "chat",
  "edited_chat",
  "callback_query",
  "inline_query",
  "chosen_inline_result",
  "shipping_query",
  "pre_checkout_query",
  "_idle",
];

// Flavors already reported as unhandled, per delegate class: a group chat sends reactions and member
// updates all day, and one line per class and flavor says everything there is to say.
const reported = new WeakMap<object, Set<string>>();

function reportOnce(obj: ListenerContext, flavorName: string, problem: string, msg: Msg): void {
  const cls = obj.constructor;
  let seen = reported.get(cls);
  if (seen === undefined) reported.set(cls, seen = new Set());
  if (seen.has(flavorName)) return;
  seen.add(flavorName);
  const error = new BadFlavor(msg, `No handler for ${flavorName} in ${cls.name || "a delegate"}: ${problem}`);
  reportFailure(obj.originalBot, "no handler", error);
}

function callHandler(obj: ListenerContext, flavorName: string, msg: Msg): unknown {
  const name = handlerName(flavorName);
  if (eventKey(msg) !== undefined && isReservedEventFlavor(flavorName)) {
    reportOnce(obj, flavorName, `events of this name are not routed to ${name}; rename the event`, msg);
    return undefined;
  }
  const fn = (obj as unknown as Record<string, unknown>)[name];
  if (typeof fn !== "function") {
    reportOnce(obj, flavorName, `define ${name} to receive these; until then they are ignored`, msg);
    return undefined;
  }
  return fn.call(obj, msg);
}

/**
 * Adds a flavor {@link Router} and an `onMessage` that uses it: a `chat` message goes to
 * `onChatMessage`, `edited_chat` to `onEditedChatMessage`, `callback_query` to `onCallbackQuery`, any
 * other flavor to `on` + its PascalCase name (`_idle` → `onIdle`, `poll_answer` → `onPollAnswer`).
 *
 * A flavor whose method is missing is ignored and reported once per class and flavor (a `BadFlavor`
 * through the bot's `logError`): the delegate goes on. (telepot closed the delegate on the
 * `AttributeError`, which made a group's reactions and member updates reset a conversation.)
 */
export function DefaultRouterMixin<B extends Constructor<ListenerContext>>(
  Base: B,
): B & Constructor<DefaultRouted> {
  checkBase(Base);
  return class DefaultRouter extends Base {
    #router: Router | undefined;

    get router(): Router {
      if (this.#router === undefined) {
        const table: RouterTable = {};
        for (const f of STANDARD_FLAVORS) table[f] = (msg: Msg) => callHandler(this, f, msg);
        table["null"] = (msg: Msg) => callHandler(this, quickFlavor(msg), msg);
        this.#router = new Router(quickFlavor, table);
      }
      return this.#router;
    }

    onMessage(msg: Msg): unknown {
      // Until someone looks at the router, the default table is known, so skip building it per delegate.
      if (this.#router !== undefined) return this.#router.route(msg);
      return callHandler(this, quickFlavor(msg), msg);
    }
  };
}
