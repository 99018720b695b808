import type { Msg } from "../bot/delegator_bot.ts";
import { BadInput } from "../exception/bad_input.ts";
import type { ListenerContext } from "./contexts.ts";
import type { Constructor } from "./mixin.ts";
import { handlerName, quickFlavor } from "./quick_flavor.ts";
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

function callHandler(obj: object, name: string, msg: Msg): unknown {
  const fn = (obj as Record<string, unknown>)[name];
  if (typeof fn !== "function") {
    throw new BadInput(name, `a ${name} method on the delegate to handle this flavor`);
  }
  return fn.call(obj, msg);
}

/**
 * Adds a flavor {@link Router} and an `onMessage` that uses it: a `chat` message goes to
 * `onChatMessage`, `edited_chat` to `onEditedChatMessage`, `callback_query` to `onCallbackQuery`, any
 * other flavor to `on` + its PascalCase name (`_idle` → `onIdle`, `poll_answer` → `onPollAnswer`).
 * A flavor whose method is missing throws `BadInput` (naming the method), which closes the delegate
 * through `onClose`, as a missing method does in telepot.
 */
export function DefaultRouterMixin<B extends Constructor<ListenerContext>>(
  Base: B,
): B & Constructor<DefaultRouted> {
  return class DefaultRouter extends Base {
    #router: Router | undefined;

    get router(): Router {
      if (this.#router === undefined) {
        const table: RouterTable = {};
        for (const f of STANDARD_FLAVORS) {
          const name = handlerName(f);
          table[f] = (msg: Msg) => callHandler(this, name, msg);
        }
        table["null"] = (msg: Msg) => callHandler(this, handlerName(quickFlavor(msg)), msg);
        this.#router = new Router(quickFlavor, table);
      }
      return this.#router;
    }

    onMessage(msg: Msg): unknown {
      // Until someone looks at the router, the default table is known, so skip building it per delegate.
      if (this.#router !== undefined) return this.#router.route(msg);
      return callHandler(this, handlerName(quickFlavor(msg)), msg);
    }
  };
}
