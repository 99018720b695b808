import { UpdateQueue } from "./update_queue.ts";

const inboxes = new WeakMap<object, UpdateQueue>();
const watchers = new WeakMap<object, Set<() => void>>();

/**
 * The queue where a bot's webhook handlers put the updates they receive, created on first use. A
 * `messageLoop` started without a `source` on a bot that has one reads from it instead of polling; a
 * loop already polling switches to it (see {@link onInboxCreated}).
 */
export function inboxOf(bot: object): UpdateQueue {
  let inbox = inboxes.get(bot);
  if (!inbox) {
    inbox = new UpdateQueue();
    inboxes.set(bot, inbox);
    for (const watcher of watchers.get(bot) ?? []) watcher();
    watchers.delete(bot);
  }
  return inbox;
}

/** Whether a webhook handler was made for this bot (so it receives updates by webhook, not polling). */
export function hasInbox(bot: object): boolean {
  return inboxes.has(bot);
}

/**
 * Calls `watcher` once a webhook handler is made for this bot (at once if one was). Returns a function
 * that cancels the watch, so a loop that ends first leaves nothing behind.
 */
export function onInboxCreated(bot: object, watcher: () => void): () => void {
  if (inboxes.has(bot)) {
    watcher();
    return () => {};
  }
  let set = watchers.get(bot);
  if (!set) {
    set = new Set();
    watchers.set(bot, set);
  }
  set.add(watcher);
  return () => set.delete(watcher);
}
