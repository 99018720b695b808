import { type MethodSpec, TYPES, type TypeSpec } from "../../api/spec.gen.ts";
import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { plausible, plausibleResult } from "../plausible.ts";
import type { Obj } from "../types.ts";
import { unixNow } from "../types.ts";
import { targetChat, targetMessage } from "./common.ts";
import { postBotMessage } from "./compose.ts";

const QUERY_GONE = "query is too old and response timeout expired or query ID is invalid";

const NOT_CONTENT: ReadonlySet<string> = new Set([
  "chat_id",
  "reply_markup",
  "message_thread_id",
  "reply_parameters",
]);

/**
 * The handler of a method the emulator does not model: parameters are already checked against the spec;
 * the chat and user it names must exist; a method returning a Message either edits the bot's message it
 * names by `message_id` or stores a new one, with the parameters that are valid Message fields as content
 * (an input type that is not, such as InputRichMessage for RichMessage, gets a plausible stand-in);
 * anything else answers a plausible value of the return type.
 * @param fits whether a value is valid for a spec type expression (`SpecValidator.fits`).
 */
export function genericHandler(
  spec: MethodSpec,
  types: Readonly<Record<string, TypeSpec>>,
  fits: (type: string, value: unknown) => boolean,
): Handler {
  const hasChat = spec.params.some((p) => p.name === "chat_id");
  const hasUser = spec.params.some((p) => p.name === "user_id");
  const messageFields = new Set((types.Message?.fields ?? []).map((f) => f.name));
  const returnsMessage = spec.returns[0] === "Message";
  const edits = spec.params.some((p) => p.name === "message_id" && p.required);
  const queryIds = spec.params.filter((p) => p.name.endsWith("_query_id")).map((p) => p.name);
  const charged = spec.params.some((p) => p.name === "telegram_payment_charge_id");
  const namesMessage = spec.params.some((p) => p.name === "message_id" && p.required);
  return (ctx: CallContext) => {
    const state = hasChat && ctx.params.chat_id !== undefined ? targetChat(ctx) : undefined;
    if (hasUser && ctx.params.user_id !== undefined && ctx.world.findUser(ctx.params.user_id) === undefined) {
      throw badRequest("user not found");
    }
    for (const name of queryIds) {
      // A query the emulator never issued (or another bot's, or one answered already) is gone, as in Telegram.
      const query = ctx.world.queries.get(String(ctx.params[name]));
      if (query === undefined || query.bot !== ctx.bot || query.answer !== undefined) {
        throw badRequest(QUERY_GONE);
      }
    }
    if (charged) {
      const charge = ctx.world.stars.charges.get(String(ctx.params.telegram_payment_charge_id));
      if (charge === undefined || charge.bot !== ctx.bot) throw badRequest("CHARGE_NOT_FOUND");
    }
    if (!returnsMessage && namesMessage && state !== undefined) {
      targetMessage(ctx, state, "message not found");
    }
    if (returnsMessage && state !== undefined) {
      const target = edits ? targetMessage(ctx, state, "message to edit not found") : undefined;
      if (target !== undefined && state.authors[target.message_id - 1] !== ctx.bot) {
        throw badRequest("message can't be edited");
      }
      const content: Obj = {};
      for (const [name, value] of Object.entries(ctx.params)) {
        if (NOT_CONTENT.has(name) || !messageFields.has(name)) continue;
        const field = types.Message.fields.find((f) => f.name === name)!;
        const valid = !(value instanceof File) && field.types.some((t) => fits(t, value));
        content[name] = valid ? value : plausible(types, field.types[0]);
      }
      if (target === undefined) return postBotMessage(ctx, state, content);
      Object.assign(target, content, { edit_date: unixNow() });
      ctx.world.recordBotEdit(state, target);
      return target;
    }
    return plausibleResult(types, spec.returns);
  };
}

function settingKey(ctx: CallContext, what: string, scoped: boolean): string {
  const lang = typeof ctx.params.language_code === "string" ? ctx.params.language_code : "";
  const scope = scoped && ctx.params.scope !== undefined ? JSON.stringify(ctx.params.scope) : "";
  return `${what}|${scope}|${lang}`;
}

function setter(what: string, param: string, scoped = false): Handler {
  return (ctx) => {
    const key = settingKey(ctx, what, scoped);
    const value = ctx.params[param];
    if (value === undefined || value === "") ctx.bot.settings.delete(key);
    else ctx.bot.settings.set(key, value);
    return true;
  };
}

function getter(what: string, wrap: (value: unknown, ctx: CallContext) => unknown, scoped = false): Handler {
  return (ctx) => wrap(ctx.bot.settings.get(settingKey(ctx, what, scoped)), ctx);
}

/** Bot settings that are stored and read back: commands, name, descriptions, menu button, rights. */
export const SETTINGS_METHODS: Readonly<Record<string, Handler>> = {
  setMyCommands: (ctx) => {
    const commands = ctx.params.commands;
    if (!Array.isArray(commands) || commands.length > 100) {
      throw badRequest("commands must be an Array of 0-100 BotCommand");
    }
    for (const c of commands as Obj[]) {
      if (typeof c.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command)) {
        throw badRequest("BOT_COMMAND_INVALID");
      }
    }
    return setter("commands", "commands", true)(ctx);
  },
  deleteMyCommands: (ctx) => {
    ctx.bot.settings.delete(settingKey(ctx, "commands", true));
    return true;
  },
  getMyCommands: getter("commands", (v) => v ?? [], true),
  setMyName: setter("name", "name"),
  getMyName: getter("name", (v, ctx) => ({ name: v ?? ctx.bot.user.first_name })),
  setMyDescription: setter("description", "description"),
  getMyDescription: getter("description", (v) => ({ description: v ?? "" })),
  setMyShortDescription: setter("short_description", "short_description"),
  getMyShortDescription: getter("short_description", (v) => ({ short_description: v ?? "" })),
  setChatMenuButton: (ctx) => {
    ctx.bot.settings.set(`menu|${ctx.params.chat_id ?? ""}`, ctx.params.menu_button ?? { type: "default" });
    return true;
  },
  getChatMenuButton: (ctx) =>
    ctx.bot.settings.get(`menu|${ctx.params.chat_id ?? ""}`) ?? ctx.bot.settings.get("menu|")
      ?? { type: "default" },
  setMyDefaultAdministratorRights: (ctx) => {
    ctx.bot.settings.set(`rights|${ctx.params.for_channels === true}`, ctx.params.rights);
    return true;
  },
  getMyDefaultAdministratorRights: (ctx) =>
    ctx.bot.settings.get(`rights|${ctx.params.for_channels === true}`) ?? NO_RIGHTS,
};

// What getMyDefaultAdministratorRights answers before any were set: the spec's required rights, none granted.
const NO_RIGHTS: Obj = Object.fromEntries(
  TYPES.ChatAdministratorRights.fields.filter((field) => field.required).map((field) => [field.name, false]),
);
