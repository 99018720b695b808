import { UpdateQueue } from "./update_queue.ts";

const inboxes = new WeakMap<object, UpdateQueue>();
const watchers = new WeakMap<object, PromiseWithResolvers<void>>();

/**
 * The queue where a bot's webhook handlers put the updates they receive, created on first use. A
 * `messageLoop` started without a `source` on a bot that has one reads from it instead of polling; a
 * loop already polling switches to it (see {@link inboxCreated}).
 */
export function inboxOf(bot: object): UpdateQueue {
  let inbox = inboxes.get(bot);
  if (!inbox) {
    inbox = new UpdateQueue();
    inboxes.set(bot, inbox);
    watchers.get(bot)?.resolve();
  }
  return inbox;
}

/** Whether a webhook handler was made for this bot (so it receives updates by webhook, not polling). */
export function hasInbox(bot: object): boolean {
  return inboxes.has(bot);
}

/** Resolves once a webhook handler is made for this bot (at once if one was). */
export function inboxCreated(bot: object): Promise<void> {
  if (inboxes.has(bot)) return Promise.resolve();
  let watcher = watchers.get(bot);
  if (!watcher) {
    watcher = Promise.withResolvers();
    watchers.set(bot, watcher);
  }
  return watcher.promise;
}
