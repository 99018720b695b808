import { UpdateQueue } from "./update_queue.ts";

const inboxes = new WeakMap<object, UpdateQueue>();

/**
 * The queue where a bot's webhook handlers put the updates they receive, created on first use. A
 * `messageLoop` started without a `source` on a bot that has one reads from it instead of polling.
 */
export function inboxOf(bot: object): UpdateQueue {
  let inbox = inboxes.get(bot);
  if (!inbox) {
    inbox = new UpdateQueue();
    inboxes.set(bot, inbox);
  }
  return inbox;
}

/** Whether a webhook handler was made for this bot (so it receives updates by webhook, not polling). */
export function hasInbox(bot: object): boolean {
  return inboxes.has(bot);
}
