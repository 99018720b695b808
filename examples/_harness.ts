/**
 * What every example shares: how it starts its bot (against Telegram or the emulator) and how scripted
 * users play a short conversation with it in emulator mode, recorded as a readable transcript.
 *
 * @module
 */
import { BotApiEmulator } from "../testing/mod.ts";
import type { BotHandle, ChatRef, MessageObj, ScriptedUser } from "../testing/mod.ts";

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
}

/** Stops a running example bot and resolves once it has stopped. */
export type Stop = () => Promise<void>;

/** A runnable example: its bot, and a scripted conversation that shows it off offline. */
export interface Example {
  /** One line saying what the example shows. */
  readonly summary: string;
  /** Starts the bot. */
  start(config: BotConfig): Stop | Promise<Stop>;
  /** Plays a conversation in the emulator; the bot has been started before. */
  script(scene: Scene): Promise<void>;
}

/** Options of {@link Scene.reply}. */
export interface ReplyOptions {
  /** Seconds to wait for the bot. Default 5. */
  readonly timeout?: number;
}

/**
 * A conversation with a bot inside the emulator. Every action and every observed reply becomes a line
 * of the transcript, in the order the script saw them.
 */
export class Scene {
  /** The transcript so far. */
  readonly lines: string[] = [];
  readonly #names = new Map<number, string>();

  /**
   * @param emu the emulator the bot talks to.
   * @param bot the bot's account.
   */
  constructor(readonly emu: BotApiEmulator, readonly bot: BotHandle) {
    this.#names.set(bot.id, "bot");
  }

  /** Creates a user who talks to the bot. */
  user(firstName: string): ScriptedUser {
    const user = this.emu.createUser({ first_name: firstName });
    this.#names.set(user.id, firstName);
    return user;
  }

  /** Adds a line of commentary to the transcript. */
  note(line: string): void {
    this.lines.push(line);
  }

  /** `user` writes `text` in `chat` (their private chat with the bot by default). */
  async say(user: ScriptedUser, text: string, chat: ChatRef = user.id): Promise<MessageObj> {
    const message = await user.sendText(chat, text, { to: this.bot });
    this.lines.push(`${this.#where(user.user.first_name, message.chat)}: ${text}`);
    return message;
  }

  /** `user` sends other content (`{ sticker: {...} }`, `{ location: {...} }`, …), shown as `[label]`. */
  async send(
    user: ScriptedUser,
    content: Record<string, unknown>,
    chat: ChatRef = user.id,
  ): Promise<MessageObj> {
    const message = await user.send(chat, content, { to: this.bot });
    this.lines.push(
      `${this.#where(user.user.first_name, message.chat)}: [${Object.keys(content).join(", ")}]`,
    );
    return message;
  }

  /** Waits for the bot's next message in `chat` and records it. */
  async reply(chat: ChatRef, options: ReplyOptions = {}): Promise<MessageObj> {
    const message = await this.emu.nextBotMessage(chat, { timeout: options.timeout ?? 5 });
    this.lines.push(`${this.#where("bot", message.chat)}: ${describe(message)}`);
    return message;
  }

  /** Records a message as it is now (after edits), e.g. a keyboard message the bot has edited. */
  show(chat: ChatRef, messageId: number): MessageObj | undefined {
    const message = this.emu.message(chat, messageId);
    if (message !== undefined) {
      this.lines.push(`${this.#where("bot", message.chat)} (now): ${describe(message)}`);
    }
    return message;
  }

  /** Expects the bot to stay silent in `chat` for `seconds`; records it, or throws on a message. */
  async silence(chat: ChatRef, seconds: number): Promise<void> {
    const message = await this.emu.nextBotMessage(chat, { timeout: seconds }).catch(() => undefined);
    if (message !== undefined) {
      throw new Error(`expected silence in chat ${message.chat.id}, got: ${describe(message)}`);
    }
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
export function describe(message: MessageObj): string {
  const body = typeof message.text === "string"
    ? message.text
    : typeof message.caption === "string"
    ? message.caption
    : label(message);
  return body + buttonsOf(message);
}

function label(message: MessageObj): string {
  const invoice = message.invoice as { title?: string; total_amount?: number; currency?: string } | undefined;
  if (invoice !== undefined) {
    return `[invoice ${invoice.title} ${(invoice.total_amount ?? 0) / 100} ${invoice.currency}]`;
  }
  const skip = new Set(["message_id", "date", "chat", "from", "reply_markup", "sender_chat", "entities"]);
  const kind = Object.keys(message).find((key) => !skip.has(key));
  return `[${kind ?? "empty"}]`;
}

function buttonsOf(message: MessageObj): string {
  const markup = message.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined;
  const rows = markup?.inline_keyboard;
  if (rows === undefined || rows.length === 0) return "";
  return " " + rows.map((row) => row.map((b) => `[${b.text}]`).join("")).join(" ");
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
    const stop = await example.start({
      token: handle.token,
      apiRoot: emu.apiRoot,
      log: options.log ?? (() => {}),
    });
    const scene = new Scene(emu, handle);
    try {
      await example.script(scene);
    } finally {
      await stop();
    }
    return scene.lines;
  } finally {
    await emu.close();
  }
}
