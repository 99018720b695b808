/**
 * A help desk: people write to the bot, and one `Relay` — a `Monitor`, of which `perApplication()`
 * makes exactly one for the whole bot — passes each message on to the owner. When the owner replies
 * to a passed-on message, the answer goes back to whoever wrote it.
 *
 * Unlike telepot's chatbox, a mailbox the owner reads later with `/unread` and `/next`, this one
 * relays at once, in both directions.
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
  TelegramError,
} from "../mod.ts";
import type { Example } from "./_harness.ts";

/** How many relayed messages the owner can still answer by replying (the latest ones). */
const REMEMBERED = 10_000;

/** Who wrote a message the owner received. */
interface Author {
  readonly chatId: number;
  readonly name: string;
}

/** Options of the relay. */
interface RelayOptions {
  /** The owner's user id. */
  readonly ownerId: number;
  /** Authors by message id in the owner's chat; owned by the bot, so it outlives any one relay. */
  readonly authors: Map<number, Author>;
}

/** Watches every private chat; relays visitors' messages to the owner and the owner's replies back. */
class Relay extends Monitor {
  readonly #ownerId: number;
  readonly #authors: Map<number, Author>;

  constructor(seedTuple: SeedTuple, options: RelayOptions) {
    super(seedTuple, [[{ chat: { type: "private" } }]]);
    this.#ownerId = options.ownerId;
    this.#authors = options.authors;
  }

  async onChatMessage(msg: Message): Promise<void> {
    if (msg.chat.id === this.#ownerId) return this.#fromOwner(msg);
    const author = { chatId: msg.chat.id, name: msg.from?.first_name ?? "someone" };
    let copy;
    try {
      // A copy carries any content (a photo and its caption, a text of full length) unchanged.
      copy = await this.bot.copyMessage(this.#ownerId, msg.chat.id, msg.message_id);
    } catch (e) {
      // A message that cannot be relayed must not end the relay; the visitor hears about it.
      if (!(e instanceof TelegramError)) throw e;
      await this.bot.sendMessage(msg.chat.id, `Sorry, that could not be passed on: ${e.description}`);
      return;
    }
    this.#remember(copy.message_id, author);
    await this.bot.sendMessage(msg.chat.id, "Passed on. The answer will come here.");
    // The name follows as a reply to the copy; a reply to either reaches the author. The owner has
    // the message already if this fails, so it is no reason to tell the visitor otherwise.
    try {
      const from = await this.bot.sendMessage(this.#ownerId, `From ${author.name}`, {
        reply_parameters: { message_id: copy.message_id },
      });
      this.#remember(from.message_id, author);
    } catch (e) {
      if (!(e instanceof TelegramError)) throw e;
    }
  }

  // The latest messages only: a help desk answers recent questions, and the map must not grow for ever.
  #remember(messageId: number, author: Author): void {
    this.#authors.set(messageId, author);
    if (this.#authors.size > REMEMBERED) this.#authors.delete(this.#authors.keys().next().value!);
  }

  async #fromOwner(msg: Message): Promise<void> {
    const author = this.#authors.get(msg.reply_to_message?.message_id ?? 0);
    if (author === undefined) {
      await this.bot.sendMessage(this.#ownerId, "Reply to a passed-on message to answer it.");
      return;
    }
    try {
      await this.bot.copyMessage(author.chatId, this.#ownerId, msg.message_id);
    } catch (e) {
      if (!(e instanceof TelegramError)) throw e;
      await this.bot.sendMessage(this.#ownerId, `Not sent to ${author.name}: ${e.description}`);
      return;
    }
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
    const authors = new Map<number, Author>();
    const bot = new DelegatorBot(token, [[perApplication(), createOpen(Relay, { ownerId, authors })]], {
      apiRoot,
    });
    return bot.messageLoop();
  },
  async script(scene) {
    const olivia = scene.user("Olivia");
    const alice = scene.user("Alice");
    const bob = scene.user("Bob");
    await scene.exchange(alice, "Are you open on Sunday?");
    const fromAlice = await scene.reply(olivia.id);
    await scene.reply(olivia.id);
    await scene.exchange(bob, "Do you sell gift cards?");
    await scene.reply(olivia.id);
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
