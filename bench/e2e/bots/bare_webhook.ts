/**
 * The webhook baseline of the end-to-end bench: `Deno.serve` and `fetch`, no library. Each POSTed
 * update is answered with its reply first and a 200 after, so an update whose reply failed for good
 * is delivered again, as with our memory journal; one chat's updates come one at a time, as Telegram
 * sends them.
 *
 * @module
 */
import { type FailureFacts, listen, readConfig, sendWithRetry } from "./config.ts";

interface Update {
  message?: { chat: { id: number }; text?: string };
}

class CallFailed extends Error {
  constructor(readonly facts: FailureFacts) {
    super(`Bot API call failed: ${facts.code}`);
  }
}

const config = readConfig();
const base = `${config.apiRoot}/bot${config.token}`;

async function call(method: string, params: Record<string, unknown>): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${base}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
    });
  } catch {
    throw new CallFailed({});
  }
  const answer = await res.json();
  if (!answer.ok) {
    throw new CallFailed({ code: answer.error_code, retryAfter: answer.parameters?.retry_after });
  }
  return answer.result;
}

const facts = (error: unknown): FailureFacts => error instanceof CallFailed ? error.facts : {};

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

await call("setWebhook", { url: await listen(handle) });
