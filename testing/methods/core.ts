import type { CallContext, Handler } from "../context.ts";
import { RawJson } from "../context.ts";
import { badRequest, conflict } from "../failure.ts";
import { optArray, optBool, optInt, optStr } from "../params.ts";
import type { Obj } from "../types.ts";

/** Telegram waits at most this long in a getUpdates long poll. */
const MAX_POLL_SECONDS = 50;

function allowedUpdates(ctx: CallContext): string[] | undefined {
  const list = optArray(ctx.params, "allowed_updates");
  if (list === undefined) return undefined;
  for (const kind of list) {
    if (typeof kind !== "string") throw badRequest("allowed_updates must be an Array of String");
  }
  return list as string[];
}

async function getUpdates(ctx: CallContext): Promise<RawJson> {
  const { bot, params } = ctx;
  if (bot.webhook !== null) {
    throw conflict(
      "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
  }
  const offset = optInt(params, "offset");
  const limit = Math.min(Math.max(optInt(params, "limit") ?? 100, 1), 100);
  const timeout = Math.min(Math.max(optInt(params, "timeout") ?? 0, 0), MAX_POLL_SECONDS);
  const queue = bot.queue;
  queue.setAllowed(allowedUpdates(ctx));
  if (offset !== undefined) queue.confirm(offset);
  if (queue.pending === 0 && timeout > 0) {
    const outcome = await queue.wait(timeout, ctx.signal);
    if (outcome === "conflict") {
      throw conflict(
        "terminated by other getUpdates request; make sure that only one bot instance is running",
      );
    }
  } else {
    queue.interrupt("conflict");
  }
  if (queue.pending === 0) return new RawJson("[]");
  return new RawJson(`[${queue.peekJson(limit).join(",")}]`);
}

function setWebhook(ctx: CallContext): boolean {
  const { bot, params } = ctx;
  const url = optStr(params, "url") ?? "";
  const drop = optBool(params, "drop_pending_updates") ?? false;
  bot.queue.setAllowed(allowedUpdates(ctx));
  if (drop) bot.queue.clear();
  if (url === "") {
    bot.webhook = null;
  } else {
    if (!url.startsWith("https://") && !url.startsWith("http://")) {
      throw badRequest("bad webhook: invalid URL");
    }
    const secret = optStr(params, "secret_token");
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      throw badRequest("bad webhook: secret token contains unallowed characters");
    }
    bot.webhook = {
      url,
      maxConnections: Math.min(Math.max(optInt(params, "max_connections") ?? 40, 1), 100),
      ...(secret !== undefined ? { secretToken: secret } : {}),
    };
    bot.queue.interrupt("conflict");
  }
  ctx.services.webhookChanged(bot);
  return true;
}

function deleteWebhook(ctx: CallContext): boolean {
  const { bot } = ctx;
  if (optBool(ctx.params, "drop_pending_updates")) bot.queue.clear();
  bot.webhook = null;
  ctx.services.webhookChanged(bot);
  return true;
}

function getWebhookInfo(ctx: CallContext): Obj {
  const { bot } = ctx;
  const hook = bot.webhook;
  const info: Obj = {
    url: hook?.url ?? "",
    has_custom_certificate: false,
    pending_update_count: bot.queue.pending,
  };
  if (hook !== null) {
    info.max_connections = hook.maxConnections;
    info.ip_address = "127.0.0.1";
    if (hook.lastErrorDate !== undefined) {
      info.last_error_date = hook.lastErrorDate;
      info.last_error_message = hook.lastErrorMessage;
    }
  }
  const allowed = bot.queue.allowedList();
  if (allowed !== null) info.allowed_updates = allowed;
  return info;
}

/** getMe, getUpdates, the webhook trio, logOut and close. */
export const CORE_METHODS: Readonly<Record<string, Handler>> = {
  getMe: (ctx) => ctx.bot.user,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  logOut: () => true,
  close: () => true,
};
