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
    if (outcome === "webhook") throw conflict("terminated by setWebhook request");
  } else {
    queue.interrupt("conflict");
  }
  if (queue.pending === 0) return new RawJson("[]");
  return new RawJson(`[${queue.peekJson(limit).join(",")}]`);
}

/**
 * The address a webhook URL names, read as Client.cpp do_set_webhook reads it (`td::parse_url` with https
 * as the default protocol): no scheme means https; a scheme other than http or https, or no host, is
 * refused. Plain http stays allowed, as on a server run with --local, since the emulator delivers over
 * loopback.
 */
function webhookAddress(given: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(given);
  const full = scheme === null ? `https://${given}` : given;
  if (scheme !== null && !/^https?$/i.test(scheme[1])) throw badRequest(INVALID_URL);
  if (/\s/.test(given)) throw badRequest(INVALID_URL);
  let parsed: URL;
  try {
    parsed = new URL(full);
  } catch {
    throw badRequest(INVALID_URL);
  }
  if (parsed.hostname === "") throw badRequest(INVALID_URL);
  return parsed.href;
}

const INVALID_URL = "invalid webhook URL specified";

function setWebhook(ctx: CallContext): boolean {
  const { bot, params } = ctx;
  const url = optStr(params, "url") ?? "";
  const drop = optBool(params, "drop_pending_updates") ?? false;
  if (url === "") {
    // An empty url removes the webhook, as deleteWebhook does (do_set_webhook with no new URL).
    bot.queue.setAllowed(allowedUpdates(ctx));
    if (drop) bot.queue.clear();
    bot.webhook = null;
    ctx.services.webhookChanged(bot);
    return true;
  }
  const address = webhookAddress(url);
  const secret = optStr(params, "secret_token") ?? "";
  if (secret.length > 256) throw badRequest("secret token is too long");
  if (!/^[A-Za-z0-9_-]*$/.test(secret)) throw badRequest("secret token contains unallowed characters");
  bot.queue.setAllowed(allowedUpdates(ctx));
  if (drop) bot.queue.clear();
  const previous = bot.webhook;
  bot.webhook = {
    url: address,
    shownUrl: url,
    maxConnections: Math.min(Math.max(optInt(params, "max_connections") ?? 40, 1), 100),
    ...(secret !== "" ? { secretToken: secret } : {}),
  };
  // Client.cpp process_set_webhook_query keeps the running webhook only when nothing about it changed
  // and nothing was dropped; otherwise its WebhookActor is closed and a new one starts, with no retry
  // waits of the old one.
  const unchanged = previous !== null && !drop && previous.url === address
    && previous.maxConnections === bot.webhook.maxConnections
    && previous.secretToken === bot.webhook.secretToken;
  bot.queue.interrupt("webhook");
  ctx.services.webhookChanged(bot, !unchanged);
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
    url: hook?.shownUrl ?? hook?.url ?? "",
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
