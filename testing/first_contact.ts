import type { Handler } from "./context.ts";
import { forbidden } from "./failure.ts";
import type { WarningSink } from "./lenient.ts";
import type { MessageObj, Obj, UserObj } from "./types.ts";
import type { BotState, ChatState, World } from "./world.ts";

/** Telegram's answer to a bot writing first to a user who never started it. */
export const CANT_INITIATE = "bot can't initiate conversation with a user";

/**
 * Wraps a sending method so a bot cannot write first to a user: Telegram answers 403 "Forbidden: bot can't
 * initiate conversation with a user" until the user has started the bot (see `World.started`). The
 * emulator's tests and demos long relied on bots writing first, so by default the send goes through and
 * is reported on the warning channel; `strict` refuses it as Telegram does. A send for a business account
 * (`business_connection_id`) goes to the account's own chats and is never held back.
 *
 * The check runs when the handler posts its message, after the call's own parameter checks, as the real
 * server checks parameters before it looks at the chat (`message is too long` comes first).
 */
export function guardFirstContact(handler: Handler, strict: boolean, warn: WarningSink): Handler {
  return (ctx) => {
    if (ctx.params.business_connection_id !== undefined) return handler(ctx);
    let warned = false;
    const addMessage = (
      state: ChatState,
      fields: Obj,
      from: UserObj | null,
      bot: BotState | null,
    ): MessageObj => {
      const user = state.user;
      if (bot !== null && user !== undefined && !ctx.world.hasStarted(user.id, bot)) {
        if (strict) throw forbidden(CANT_INITIATE);
        if (!warned) {
          warned = true;
          warn({
            method: ctx.method,
            parameter: "chat_id",
            message: `user ${user.id} never started the bot; Telegram answers 403 "${CANT_INITIATE}"`,
          });
        }
      }
      return ctx.world.addMessage(state, fields, from, bot);
    };
    // The handler sees the world through this view, whose addMessage checks first (as ephemeral.ts does).
    const world = new Proxy(ctx.world, {
      get(target, key) {
        if (key === "addMessage") return addMessage;
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as World;
    return handler({ ...ctx, world, services: { ...ctx.services, world } });
  };
}
