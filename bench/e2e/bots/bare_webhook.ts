/**
 * The webhook baseline of the end-to-end bench: `Deno.serve` and `fetch`, no library. Each POSTed
 * update is answered with its reply first and a 200 after, so an update whose reply failed for good
 * is delivered again, as with our memory journal; one chat's updates come one at a time, as Telegram
 * sends them. With the setting `pooled`, its calls go over the library's pooled connections.
 *
 * @module
 */
import { bareApi, failureFacts as facts } from "./bare_api.ts";
import { listen, readConfig, sendWithRetry, WEBHOOK_MAX_CONNECTIONS } from "./config.ts";

interface Update {
  message?: { chat: { id: number }; text?: string };
}

const config = readConfig();
const call = bareApi(config.apiRoot, config.token, config.settings.pooled === true);

async function handle(req: Request): Promise<Response> {
  const msg = ((await req.json()) as Update).message;
  if (msg !== undefined) {
    try {
      await sendWithRetry(() => call("sendMessage", { chat_id: msg.chat.id, text: msg.text }), facts);
    } catch {
      return new Response(null, { status: 500 });
    }
  }
  return new Response(null, { status: 200 });
}

await call("setWebhook", { url: await listen(handle), max_connections: WEBHOOK_MAX_CONNECTIONS });
