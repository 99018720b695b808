import type { Handler } from "./context.ts";
import { forbidden } from "./failure.ts";
import type { WarningSink } from "./lenient.ts";

/** Telegram's answer to a bot writing first to a user who never started it. */
export const CANT_INITIATE = "bot can't initiate conversation with a user";

/**
 * Wraps a sending method so a bot cannot write first to a user: Telegram answers 403 "Forbidden: bot can't
 * initiate conversation with a user" until the user has started the bot (see `World.started`). The
 * emulator's tests and demos long relied on bots writing first, so by default the send goes through and
 * is reported on the warning channel; `strict` refuses it as Telegram does. A send for a business account
 * (`business_connection_id`) goes to the account's own chats and is never held back.
 */
export function guardFirstContact(handler: Handler, strict: boolean, warn: WarningSink): Handler {
  return (ctx) => {
    if (ctx.params.business_connection_id === undefined) {
      const state = ctx.world.findChat(ctx.params.chat_id, ctx.bot);
      const user = state?.user;
      const blocked = user !== undefined && ctx.world.blocked.get(user.id)?.has(ctx.bot.user.id) === true;
      // A blocked bot gets its own 403 from the handler.
      if (user !== undefined && !blocked && !ctx.world.hasStarted(user.id, ctx.bot)) {
        if (strict) throw forbidden(CANT_INITIATE);
        warn({
          method: ctx.method,
          parameter: "chat_id",
          message: `user ${user.id} never started the bot; Telegram answers 403 "${CANT_INITIATE}"`,
        });
      }
    }
    return handler(ctx);
  };
}
