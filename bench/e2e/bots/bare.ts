/**
 * The baseline of the end-to-end bench: a bare `fetch` loop on Deno, no library. `getUpdates` in
 * batches of 100; each batch's chats answered concurrently, one chat's messages in order; the offset
 * moves past a batch once it is answered.
 *
 * @module
 */
import { bareApi, failureFacts as facts } from "./bare_api.ts";
import { readConfig, sendWithRetry } from "./config.ts";

interface Update {
  update_id: number;
  message?: { chat: { id: number }; text?: string };
}

const config = readConfig();
const call = bareApi(config.apiRoot, config.token);

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
