/**
 * The baseline of the end-to-end bench: a bare `fetch` loop on Deno, no library. `getUpdates` in
 * batches of 100; each batch's chats answered concurrently, one chat's messages in order; the offset
 * moves past a batch once it is answered.
 *
 * @module
 */
import { type FailureFacts, readConfig, sendWithRetry } from "./config.ts";

interface Update {
  update_id: number;
  message?: { chat: { id: number }; text?: string };
}

class CallFailed extends Error {
  constructor(readonly facts: FailureFacts) {
    super(`Bot API call failed: ${facts.code}`);
  }
}

const config = readConfig();
const base = `${config.apiRoot}/bot${config.token}`;

async function call<T>(method: string, params: Record<string, unknown>): Promise<T> {
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
  return answer.result as T;
}

const facts = (error: unknown): FailureFacts => error instanceof CallFailed ? error.facts : {};

async function answerChat(messages: { chat: { id: number }; text?: string }[]): Promise<void> {
  for (const msg of messages) {
    await sendWithRetry(() => call("sendMessage", { chat_id: msg.chat.id, text: msg.text }), facts);
  }
}

let offset = 0;
while (true) {
  const updates = await call<Update[]>("getUpdates", { offset, limit: 100, timeout: 20 });
  if (updates.length === 0) continue;
  const byChat = new Map<number, { chat: { id: number }; text?: string }[]>();
  for (const update of updates) {
    const msg = update.message;
    if (msg === undefined) continue;
    const list = byChat.get(msg.chat.id);
    if (list) list.push(msg);
    else byChat.set(msg.chat.id, [msg]);
  }
  await Promise.all(Array.from(byChat.values(), answerChat));
  offset = updates[updates.length - 1].update_id + 1;
}
