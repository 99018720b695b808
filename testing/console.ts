import { MESSAGE_CONTENT_TYPES } from "../api/classification.gen.ts";
import type { Message } from "../api/types.gen.ts";
import type { BotApiEmulator } from "./emulator.ts";
import { ScriptError } from "./failure.ts";
import { lines } from "./lines.ts";
import type { ScriptedUser } from "./scripted_user.ts";

/** Where the console writes its lines (stdout in the CLI). */
export type LineWriter = (line: string) => void;

/** How a bot message reads in the console: its text (or content kind) and its inline buttons. */
export function describeMessage(message: Message): string {
  const m = message as unknown as Record<string, unknown>;
  const body = typeof m.text === "string"
    ? m.text
    : typeof m.caption === "string"
    ? `[${contentKind(m)}] ${m.caption}`
    : `[${contentKind(m)}]`;
  const rows =
    ((m.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)?.inline_keyboard ?? [])
      .map((row) => "  " + row.map((b) => `[${b.text}]`).join(" "));
  return [`bot> ${body}`, ...rows].join("\n");
}

function contentKind(m: Record<string, unknown>): string {
  return MESSAGE_CONTENT_TYPES.find((k) => m[k] !== undefined) ?? "message";
}

/**
 * Hands each message a bot sends in the user's private chat to `onMessage`, in order, until `signal`
 * aborts. (The CLI keeps printing them after its input ends, for an emulator run in the background.)
 */
export async function followBotMessages(
  emu: BotApiEmulator,
  user: ScriptedUser,
  onMessage: (message: Message) => void,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    // A short wait per round, so an abort is noticed soon without leaving a timer behind.
    const message = await emu.nextBotMessage(user.id, { timeout: 1 }).catch(() => undefined);
    if (message !== undefined) onMessage(message);
  }
}

/**
 * A chat console over the emulator: each input line is sent as the scripted user's message to the bot in
 * their private chat, and every bot message there is written out. `:press <button>` presses an inline
 * button of the latest bot message that has a keyboard. Ends when `input` ends or `signal` aborts; a bot
 * message that comes after that is not written.
 */
export async function runConsole(
  emu: BotApiEmulator,
  user: ScriptedUser,
  input: ReadableStream<Uint8Array>,
  write: LineWriter,
  signal: AbortSignal,
): Promise<void> {
  let keyboardHost: Message | undefined;
  const inputEnded = new AbortController();
  const watching = followBotMessages(emu, user, (message) => {
    if ((message as { reply_markup?: unknown }).reply_markup !== undefined) keyboardHost = message;
    write(describeMessage(message));
  }, AbortSignal.any([signal, inputEnded.signal]));
  try {
    for await (const raw of lines(input, signal)) {
      const line = raw.replace(/\r$/, "");
      if (line.trim() === "") continue;
      try {
        if (line.startsWith(":press ")) {
          if (keyboardHost === undefined) throw new ScriptError("no bot message with buttons yet");
          await user.pressButton(keyboardHost, line.slice(7).trim());
        } else {
          await user.sendText(user.id, line);
        }
      } catch (e) {
        write(`!! ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } finally {
    inputEnded.abort();
    await watching;
  }
}
