import { MESSAGE_CONTENT_TYPES } from "../api/classification.gen.ts";
import type { Message } from "../api/types.gen.ts";
import type { BotApiEmulator } from "./emulator.ts";
import { ScriptError } from "./failure.ts";
import { lines } from "./lines.ts";
import { onQueryAnswer } from "./observe.ts";
import type { ScriptedUser } from "./scripted_user.ts";
import type { MessageObj, Obj } from "./types.ts";
import type { WorldChange } from "./world.ts";

/** Where the console writes its lines (stdout in the CLI). */
export type LineWriter = (line: string) => void;

/**
 * How a bot message reads in the console: its text (or content kind) and its inline buttons, after
 * `bot> `, or after `bot (edited)> ` when `edited` (the message as it stands after a bot's edit).
 */
export function describeMessage(message: Message, edited = false): string {
  const m = message as unknown as Record<string, unknown>;
  const rows =
    ((m.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)?.inline_keyboard ?? [])
      .map((row) => "  " + row.map((b) => `[${b.text}]`).join(" "));
  return [`${edited ? "bot (edited)>" : "bot>"} ${messageBody(m)}`, ...rows].join("\n");
}

/** A message's text, or its content kind with any caption. */
function messageBody(m: Record<string, unknown>): string {
  return typeof m.text === "string"
    ? m.text
    : typeof m.caption === "string"
    ? `[${contentKind(m)}] ${m.caption}`
    : `[${contentKind(m)}]`;
}

function contentKind(m: Record<string, unknown>): string {
  return MESSAGE_CONTENT_TYPES.find((k) => m[k] !== undefined) ?? "message";
}

/**
 * How a bot's answer to a button press reads: its text after `bot (answer)> `, or after `bot (alert)> `
 * when the bot asked for an alert; nothing when it answered without a text (Telegram then shows nothing
 * either).
 */
function describeAnswer(answer: Obj): string | undefined {
  const text = answer.text;
  if (typeof text !== "string" || text === "") return undefined;
  return `${answer.show_alert === true ? "bot (alert)>" : "bot (answer)>"} ${text}`;
}

/**
 * What the console shows of the user's private chats with bots, from its creation until `stop`: each
 * message a bot sends, each edit a bot makes (including a keyboard it changes), each bot message deleted,
 * and the bots' answers to the user's presses made through {@link ChatFeed.press}.
 */
class ChatFeed {
  readonly #emu: BotApiEmulator;
  readonly #user: ScriptedUser;
  readonly #write: LineWriter;
  readonly #stops = new Set<() => void>();
  // What each bot message read as when last shown, so a deletion can say which message went (by the chat's
  // bot, since each bot's private chat with the user numbers its messages on its own).
  readonly #shown = new Map<object, Map<number, string>>();
  /** The latest bot message that came or was edited with an inline keyboard: `:press` presses its buttons. */
  #keyboardHost: Message | undefined;

  constructor(emu: BotApiEmulator, user: ScriptedUser, write: LineWriter) {
    this.#emu = emu;
    this.#user = user;
    this.#write = write;
    // The world tells its watchers of every change as it happens, so lines come in the order the bot made
    // its calls and none is missed between two waits, as a poll of the chat could.
    this.#stops.add(emu.world.watch((change) => this.#changed(change)));
  }

  #changed(change: WorldChange): void {
    if (change.kind !== "message" && change.kind !== "edit" && change.kind !== "delete") return;
    const state = change.chat;
    if (state.peer === undefined || state.user?.id !== this.#user.id) return;
    let shown = this.#shown.get(state);
    if (shown === undefined) this.#shown.set(state, shown = new Map());
    if (change.kind === "delete") {
      const body = shown.get(change.messageId);
      if (body === undefined) return;
      shown.delete(change.messageId);
      this.#line(`bot (deleted)> ${body}`);
      return;
    }
    const message = change.message as MessageObj;
    // The user's own messages (and a poll vote or edit of theirs) are not the bot's to show.
    if (!state.authors[(message.message_id as number) - 1]) return;
    const view = message as unknown as Message;
    if ((message.reply_markup as Obj | undefined)?.inline_keyboard !== undefined) this.#keyboardHost = view;
    shown.set(message.message_id as number, messageBody(message));
    this.#line(describeMessage(view, change.kind === "edit"));
  }

  /** Presses a button of the latest bot message with buttons; the bot's answer is written when it comes. */
  async press(button: string): Promise<void> {
    if (this.#keyboardHost === undefined) throw new ScriptError("no bot message with buttons yet");
    const press = await this.#user.pressButton(this.#keyboardHost, button);
    const query = this.#emu.world.queries.get(press.id);
    if (query === undefined) return;
    if (query.answer !== undefined) return this.#answered(query.answer);
    const stop = onQueryAnswer(query, (answer) => {
      this.#stops.delete(stop);
      this.#answered(answer);
    });
    this.#stops.add(stop);
  }

  #answered(answer: Obj): void {
    const line = describeAnswer(answer);
    if (line !== undefined) this.#line(line);
  }

  // Lines are written from inside the emulator's handling of a bot's call: a writer that fails (a closed
  // stdout) must not turn that call into an error for the bot.
  #line(line: string): void {
    try {
      this.#write(line);
    } catch {
      // Nothing to do: the line has nowhere to go.
    }
  }

  /** Stops writing, and stops waiting for answers not given yet. */
  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops.clear();
  }
}

/** Options of {@link runConsole}. */
export interface ConsoleOptions {
  /**
   * Go on writing what the bot does after the input ends, until `signal` aborts (the CLI run in the
   * background, with no input); default false: the console ends with its input.
   */
  readonly followAfterInput?: boolean;
}

/**
 * A chat console over the emulator: each input line is sent as the scripted user's message to the bot in
 * their private chat, and what the bot does there is written out: its new messages (`bot> …`, with any
 * inline buttons under them), its edits (`bot (edited)> …`, as the message then reads), the deletion of
 * its messages (`bot (deleted)> …`), and its answers to the user's presses (`bot (answer)> …`, or
 * `bot (alert)> …` for an alert). `:press <button>` presses an inline button of the latest bot message
 * that came or was edited with a keyboard. A line that fails is written as `!! <why>`. Ends when `input`
 * ends (unless `followAfterInput`) or `signal` aborts; what the bot does after that is not written.
 */
export async function runConsole(
  emu: BotApiEmulator,
  user: ScriptedUser,
  input: ReadableStream<Uint8Array>,
  write: LineWriter,
  signal: AbortSignal,
  options: ConsoleOptions = {},
): Promise<void> {
  const feed = new ChatFeed(emu, user, write);
  try {
    for await (const raw of lines(input, signal)) {
      const line = raw.replace(/\r$/, "");
      if (line.trim() === "") continue;
      try {
        if (line.startsWith(":press ")) await feed.press(line.slice(7).trim());
        else await user.sendText(user.id, line);
      } catch (e) {
        write(`!! ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (options.followAfterInput && !signal.aborted) {
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    }
  } finally {
    feed.stop();
  }
}
