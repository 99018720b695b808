/**
 * A help desk: people write to the bot, and one `Relay` — a `Monitor`, of which `perApplication()`
 * makes exactly one for the whole bot — passes each message on to the owner. When the owner replies
 * to a passed-on message, the answer goes back to whoever wrote it.
 *
 * Set `OWNER_ID` to your Telegram user id (and write to the bot once, so it may write to you).
 * `deno task example chatbox --emulator` runs offline.
 *
 * @module
 */
import {
  BadInput,
  createOpen,
  DelegatorBot,
  type Message,
  Monitor,
  perApplication,
  type SeedTuple,
} from "../mod.ts";
import type { Example } from "./_harness.ts";

/** Options of the relay. */
interface RelayOptions {
  /** The owner's user id. */
  readonly ownerId: number;
}

/** Watches every private chat; relays visitors' messages to the owner and the owner's replies back. */
class Relay extends Monitor {
  readonly #ownerId: number;
  /** Who wrote each message the owner received, by its message id in the owner's chat. */
  readonly #authors = new Map<number, { chatId: number; name: string }>();

  constructor(seedTuple: SeedTuple, options: RelayOptions) {
    super(seedTuple, [[{ chat: { type: "private" } }]]);
    this.#ownerId = options.ownerId;
  }

  async onChatMessage(msg: Message): Promise<void> {
    if (msg.chat.id === this.#ownerId) return this.#fromOwner(msg);
    const name = msg.from?.first_name ?? "someone";
    const relayed = await this.bot.sendMessage(this.#ownerId, `${name} writes: ${msg.text ?? "(no text)"}`);
    this.#authors.set(relayed.message_id, { chatId: msg.chat.id, name });
    await this.bot.sendMessage(msg.chat.id, "Passed on. The answer will come here.");
  }

  async #fromOwner(msg: Message): Promise<void> {
    const author = this.#authors.get(msg.reply_to_message?.message_id ?? 0);
    if (author === undefined) {
      await this.bot.sendMessage(this.#ownerId, "Reply to a passed-on message to answer it.");
      return;
    }
    await this.bot.sendMessage(author.chatId, `Answer: ${msg.text ?? "(no text)"}`);
    await this.bot.sendMessage(this.#ownerId, `Sent to ${author.name}.`);
  }
}

/** The chat box example. */
export const example: Example = {
  summary: "a help desk relaying messages to the owner: Monitor + perApplication",
  prepare: (scene) => ({ OWNER_ID: String(scene.user("Olivia").id) }),
  start({ token, apiRoot, env }) {
    const ownerId = Number(env("OWNER_ID"));
    if (!Number.isInteger(ownerId)) throw new BadInput("OWNER_ID", "the owner's numeric Telegram user id");
    const bot = new DelegatorBot(token, [[perApplication(), createOpen(Relay, { ownerId })]], { apiRoot });
    return bot.messageLoop();
  },
  async script(scene) {
    const olivia = scene.user("Olivia");
    const alice = scene.user("Alice");
    const bob = scene.user("Bob");
    await scene.exchange(alice, "Are you open on Sunday?");
    const fromAlice = await scene.reply(olivia.id);
    await scene.exchange(bob, "Do you sell gift cards?");
    const fromBob = await scene.reply(olivia.id);
    await scene.sayReplying(olivia, fromBob, "Yes, at the counter");
    await scene.reply(bob.id);
    await scene.reply(olivia.id);
    await scene.sayReplying(olivia, fromAlice, "From 10 to 4");
    await scene.reply(alice.id);
    await scene.reply(olivia.id);
    await scene.exchange(olivia, "Hello?");
  },
};
