/**
 * What every example shares: how it starts its bot (against Telegram or the emulator) and how scripted
 * users play a short conversation with it in emulator mode, recorded as a readable transcript.
 *
 * @module
 */
import {
  type CallbackQuery,
  type ChosenInlineResult,
  type InlineQuery,
  type Message,
  MESSAGE_CONTENT_TYPES,
} from "../api/mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import type {
  BotHandle,
  ChatRef,
  KeyboardHost,
  PaymentOutcome,
  PayOptions,
  ScriptedUser,
} from "../testing/mod.ts";
import { seededRandom } from "./_seeded_random.ts";

/** Where and how an example's bot runs. */
export interface BotConfig {
  /** The bot's token. */
  readonly token: string;
  /** Bot API server; unset means Telegram. */
  readonly apiRoot?: string;
  /** Where the bot prints what it does (console in a real run, stderr or nowhere offline). */
  readonly log: (line: string) => void;
  /** Public HTTPS address Telegram should post to (webhook examples only). */
  readonly webhookUrl?: string;
  /** Local port the webhook server listens on (webhook examples only; 0 picks a free one). */
  readonly port?: number;
  /** Random numbers in [0, 1): `Math.random` for real; a fixed sequence offline, so transcripts repeat. */
  readonly random: () => number;
  /** Settings of the example (`OWNER_ID`, …): environment variables for real, set by `prepare` offline. */
  readonly env: (name: string) => string | undefined;
}

/** A started example bot; a loop controller (what `messageLoop` returns) is one. */
export interface Running {
  /** Stops the bot; resolves once it has stopped. */
  stop(): Promise<void>;
  /** Settles when the bot has ended by itself: rejects with why (a refused token, another poller). */
  readonly done?: Promise<void>;
}

/** A runnable example: its bot, and a scripted conversation that shows it off offline. */
export interface Example {
  /** One line saying what the example shows. */
  readonly summary: string;
  /**
   * Offline only, before the bot starts: creates what the bot must know about (e.g. its owner) and
   * returns the settings the bot reads through `env`.
   */
  prepare?(scene: Scene): Record<string, string>;
  /** Starts the bot. */
  start(config: BotConfig): Running | Promise<Running>;
  /** Plays a conversation in the emulator; the bot has been started before. */
  script(scene: Scene): Promise<void>;
}

/** Options of {@link Scene.reply}. */
export interface ReplyOptions {
  /** Seconds to wait for the bot. Default 5. */
  readonly timeout?: number;
}

/** Options of {@link Scene}. */
export interface SceneOptions {
  /** Called with each transcript line as it is recorded (e.g. to print it live). */
  readonly onLine?: (line: string) => void;
}

/**
 * A conversation with a bot inside the emulator. Every action and every observed reply becomes a line
 * of the transcript, in the order the script saw them.
 */
export class Scene {
  /** The transcript so far. */
  readonly lines: string[] = [];
  readonly #names = new Map<number, string>();
  readonly #users = new Map<string, ScriptedUser>();
  readonly #onLine: ((line: string) => void) | undefined;

  /**
   * @param emu the emulator the bot talks to.
   * @param bot the bot's account.
   */
  constructor(readonly emu: BotApiEmulator, readonly bot: BotHandle, options: SceneOptions = {}) {
    this.#names.set(bot.id, "bot");
    this.#onLine = options.onLine;
  }

  /** The user with this first name, created on first use (so `prepare` and `script` share users). */
  user(firstName: string): ScriptedUser {
    let user = this.#users.get(firstName);
    if (user === undefined) {
      user = this.emu.createUser({ first_name: firstName });
      this.#users.set(firstName, user);
      this.#names.set(user.id, firstName);
    }
    return user;
  }

  /** Adds a line of commentary to the transcript. */
  note(line: string): void {
    this.#record(line);
  }

  /** `user` writes `text` in `chat` (their private chat with the bot by default). */
  async say(user: ScriptedUser, text: string, chat: ChatRef = user.id): Promise<Message> {
    const message = await user.sendText(chat, text, { to: this.bot });
    this.#record(`${this.#where(user.user.first_name, message.chat)}: ${text}`);
    return message;
  }

  /** `user` writes `text` to the bot in private, and the bot's next message there is awaited and recorded. */
  async exchange(user: ScriptedUser, text: string, options: ReplyOptions = {}): Promise<Message> {
    await this.say(user, text);
    return await this.reply(user.id, options);
  }

  /** `user` answers `message` with a reply (Telegram's reply, carrying `reply_to_message`). */
  async sayReplying(user: ScriptedUser, message: Message, text: string): Promise<Message> {
    const sent = await user.sendText(message.chat.id, text, { to: this.bot, replyTo: message });
    this.#record(`${this.#where(user.user.first_name, sent.chat)} (replying): ${text}`);
    return sent;
  }

  /** `user` sends other content (`{ sticker: {...} }`, `{ location: {...} }`, …), shown as `[label]`. */
  async send(
    user: ScriptedUser,
    content: Record<string, unknown>,
    chat: ChatRef = user.id,
  ): Promise<Message> {
    const message = await user.send(chat, content, { to: this.bot });
    this.#record(
      `${this.#where(user.user.first_name, message.chat)}: [${Object.keys(content).join(", ")}]`,
    );
    return message;
  }

  /** `user` presses an inline button (by its text or callback data) on a message of the bot. */
  async press(user: ScriptedUser, message: KeyboardHost, button: string): Promise<CallbackQuery> {
    const query = await user.pressButton(message, button);
    this.#record(`${user.user.first_name} presses [${button}]`);
    return query;
  }

  /** `user` types an inline query to the bot (`@bot text` in any chat). */
  async ask(user: ScriptedUser, text: string, options: { offset?: string } = {}): Promise<InlineQuery> {
    const query = await user.inlineQuery(this.bot, text, options);
    const action = options.offset === undefined ? "types" : `scrolls on (offset ${options.offset})`;
    this.#record(`${user.user.first_name} ${action} "@${this.bot.username} ${text}"`);
    return query;
  }

  /** `user` picks one of the bot's answers to an inline query, posting it into `chat` when given. */
  async choose(
    user: ScriptedUser,
    query: InlineQuery,
    resultId: string,
    chat?: ChatRef,
  ): Promise<ChosenInlineResult> {
    const chosen = await user.chooseInlineResult(query, resultId, chat === undefined ? {} : { chat });
    this.#record(`${user.user.first_name} chooses result ${resultId}`);
    return chosen;
  }

  /** `user` pays an invoice the bot sent; records the outcome. */
  async pay(user: ScriptedUser, invoice: Message, options: PayOptions = {}): Promise<PaymentOutcome> {
    this.#record(`${user.user.first_name} pays`);
    const outcome = await user.pay(invoice, options);
    this.#record(
      outcome.ok
        ? `payment of ${money(outcome.message.successful_payment)} went through`
        : `payment refused at ${outcome.stage}: ${outcome.error_message}`,
    );
    return outcome;
  }

  /**
   * Waits for the bot's answer to a callback or inline query and records it: the notification text of a
   * callback answer, the titles of inline results.
   */
  async answer(
    query: CallbackQuery | InlineQuery,
    options: ReplyOptions = {},
  ): Promise<Record<string, unknown>> {
    const answer = await this.emu.answerOf(query, { timeout: options.timeout ?? 5 });
    const who = query.from.first_name;
    if ("query" in query) {
      const results = (answer.results ?? []) as { id: string; title?: string }[];
      const more = typeof answer.next_offset === "string" && answer.next_offset !== ""
        ? ` (more at offset ${answer.next_offset})`
        : "";
      this.#record(
        `bot offers ${who}: ${results.map((r) => `${r.id}=${r.title ?? "?"}`).join(" | ")}${more}`,
      );
    } else {
      const text = typeof answer.text === "string" ? `"${answer.text}"` : "(no text)";
      this.#record(`bot answers ${who}${answer.show_alert === true ? " with an alert" : ""}: ${text}`);
    }
    return answer;
  }

  /** Waits for the bot's next message in `chat` and records it. */
  async reply(chat: ChatRef, options: ReplyOptions = {}): Promise<Message> {
    const message = await this.emu.nextBotMessage(chat, { timeout: options.timeout ?? 5 });
    this.#record(`${this.#where("bot", message.chat)}: ${describe(message)}`);
    return message;
  }

  /** Records a message as it is now (after edits), e.g. a keyboard message the bot has edited. */
  show(chat: ChatRef, messageId: number): Message | undefined {
    const message = this.emu.message(chat, messageId);
    if (message !== undefined) {
      this.#record(`${this.#where("bot", message.chat)} (now): ${describe(message)}`);
    }
    return message;
  }

  /**
   * Waits until the bot changes a message (an edit to its text, caption or buttons), then records it as
   * {@link Scene.show} does: what a timeout of the bot's own does to a message takes as long as it takes.
   */
  async showChanged(chat: ChatRef, messageId: number, seconds = 30): Promise<Message | undefined> {
    const describeNow = () => {
      const message = this.emu.message(chat, messageId);
      return message === undefined ? undefined : describe(message);
    };
    const before = describeNow();
    const deadline = Date.now() + seconds * 1000;
    while (describeNow() === before) {
      if (Date.now() > deadline) {
        throw new Error(`the bot left message ${messageId} as it was for ${seconds} s`);
      }
      await sleep(0.01);
    }
    return this.show(chat, messageId);
  }

  /** Waits until the bot has fetched and confirmed every update sent to it so far. */
  async settle(seconds = 5): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (this.emu.pendingUpdates(this.bot).length > 0) {
      if (Date.now() > deadline) throw new Error(`the bot left updates unconfirmed for ${seconds} s`);
      await sleep(0.01);
    }
  }

  #record(line: string): void {
    this.lines.push(line);
    this.#onLine?.(line);
  }

  #where(name: string, chat: { id: number; type: string; title?: unknown }): string {
    if (chat.type === "private") {
      const peer = this.#names.get(chat.id) ?? String(chat.id);
      return name === "bot" ? `bot → ${peer}` : `${name} → bot`;
    }
    return `${name} @ ${String(chat.title ?? chat.id)}`;
  }
}

/** A bot message in one line: its text or caption (or a label for other content) and its buttons. */
export function describe(message: Message): string {
  const body = typeof message.text === "string"
    ? message.text
    : typeof message.caption === "string"
    ? message.caption
    : label(message);
  return body + buttonsOf(message);
}

function label(message: Message): string {
  const { invoice } = message;
  if (invoice !== undefined) {
    return `[invoice ${invoice.title}: ${money(invoice)}]`;
  }
  const fields = message as unknown as Record<string, unknown>;
  const kind = MESSAGE_CONTENT_TYPES.find((type) => fields[type] !== undefined);
  return `[${kind ?? "empty"}]`;
}

function buttonsOf(message: Message): string {
  const rows = message.reply_markup?.inline_keyboard;
  if (rows === undefined || rows.length === 0) return "";
  return " " + rows.map((row) => row.map((b) => `[${b.text}]`).join("")).join(" ");
}

function money(payment: { total_amount: number; currency: string } | undefined): string {
  return payment === undefined ? "?" : `${(payment.total_amount / 100).toFixed(2)} ${payment.currency}`;
}

/** Resolves after `seconds`. */
export function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

/** Options of {@link playOffline}. */
export interface OfflineOptions {
  /** Where the bot's own log lines go; default nowhere. */
  readonly log?: (line: string) => void;
}

/**
 * Runs an example entirely offline: starts an emulator, creates the bot account `<name>_bot`, starts the
 * example's bot against it, plays the script, stops everything, and returns the transcript. The bot is
 * stopped and the emulator closed even when the script fails.
 */
export async function playOffline(
  name: string,
  example: Example,
  options: OfflineOptions = {},
): Promise<string[]> {
  const emu = await BotApiEmulator.start();
  try {
    const handle = emu.createBot({ username: `${name.replaceAll("-", "_")}_bot` });
    const scene = new Scene(emu, handle);
    const settings = example.prepare?.(scene) ?? {};
    const running = await example.start({
      token: handle.token,
      apiRoot: emu.apiRoot,
      log: options.log ?? (() => {}),
      random: seededRandom(1),
      env: (name) => settings[name],
    });
    try {
      await example.script(scene);
    } finally {
      await running.stop();
    }
    return scene.lines;
  } finally {
    await emu.close();
  }
}
