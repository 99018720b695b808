/**
 * The demo behind `deno task demo`: a `DelegatorBot` that counts messages per chat, with a Reset button
 * and an idle timeout, talking to three scripted users at once inside the built-in Bot API emulator.
 * Nothing leaves the machine. It prints the conversation as it happens, then a summary.
 *
 * @module
 */
import {
  type CallbackQuery,
  ChatHandler,
  type ChatHandlerOptions,
  createOpen,
  DelegatorBot,
  IdleTerminate,
  includeCallbackQueryChatId,
  type Message,
  paveEventSpace,
  perChatId,
  type SeedTuple,
} from "../mod.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { Scene, sleep } from "./_harness.ts";

/** What the demo counts while it runs. */
export interface DemoStats {
  /** Delegates (one per chat) started. */
  opened: number;
  /** Delegates closed because their chat went quiet. */
  closedByTimeout: number;
  /** Delegates closed for any other reason (an error, the bot stopping). */
  closedOtherwise: number;
  /** Bot API calls the bot made, by method. */
  readonly calls: Map<string, number>;
}

/** The options a counter delegate is created with. */
interface CounterOptions extends ChatHandlerOptions {
  readonly stats: DemoStats;
  /** Tells the transcript when a counter opens or closes. */
  readonly notify: (line: string) => void;
}

const RESET = { inline_keyboard: [[{ text: "Reset", callback_data: "reset" }]] };

/** One chat's counter: replies with the count, resets on the button, closes when the chat is idle. */
class ChatCounter extends ChatHandler {
  #count = 0;
  #name = "";
  readonly #stats: DemoStats;
  readonly #notify: (line: string) => void;

  constructor(seedTuple: SeedTuple, options: CounterOptions) {
    super(seedTuple, options);
    this.#stats = options.stats;
    this.#notify = options.notify;
  }

  override open(initialMsg: Message, _seed: unknown): undefined {
    const { chat } = initialMsg;
    this.#name = chat.title ?? `${chat.first_name}'s chat`;
    this.#stats.opened += 1;
    this.#notify(`(a counter opens for ${this.#name})`);
    return undefined;
  }

  async onChatMessage(_msg: Message): Promise<void> {
    this.#count += 1;
    const noun = this.#count === 1 ? "message" : "messages";
    await this.sender.sendMessage(`${this.#count} ${noun} in this chat`, { reply_markup: RESET });
  }

  async onCallbackQuery(query: CallbackQuery): Promise<void> {
    if (query.data !== "reset") return;
    const was = this.#count;
    this.#count = 0;
    if (query.message !== undefined) {
      await this.bot.editMessageText(
        [query.message.chat.id, query.message.message_id],
        `Reset by ${query.from.first_name} (was ${was})`,
      );
    }
    await this.bot.answerCallbackQuery(query.id, { text: "Counter reset" });
  }

  override onClose(ex: unknown): undefined {
    if (ex instanceof IdleTerminate) this.#stats.closedByTimeout += 1;
    else this.#stats.closedOtherwise += 1;
    this.#notify(`(the counter for ${this.#name} closes: ${ex instanceof Error ? ex.message : String(ex)})`);
    return undefined;
  }
}

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Seconds of silence after which a chat's counter closes. Default 1. */
  readonly idleTimeout?: number;
  /** Called with each transcript line as it happens. */
  readonly onLine?: (line: string) => void;
}

/** What a demo run produced. */
export interface DemoResult {
  /** The conversation, in the order it happened. */
  readonly lines: string[];
  /** Counters of the run. */
  readonly stats: DemoStats;
  /** Updates the bot's loop handled. */
  readonly handled: number;
  /** Delegates still running when the bot stopped. */
  readonly openAtEnd: number;
  /** Wall-clock seconds. */
  readonly seconds: number;
}

/** Counts each request a bot makes, by Bot API method (the last path segment, never the token). */
function countingFetch(calls: Map<string, number>): typeof fetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = new URL(url).pathname.split("/").pop() ?? "?";
    calls.set(method, (calls.get(method) ?? 0) + 1);
    return fetch(input, init);
  };
}

/**
 * Runs the demo: starts an emulator and the counter bot, lets Alice, Bob and Carol talk to it at the
 * same time (two private chats and a group), waits for every counter to close by timeout, then stops.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const idle = options.idleTimeout ?? 1;
  const started = performance.now();
  const stats: DemoStats = { opened: 0, closedByTimeout: 0, closedOtherwise: 0, calls: new Map() };
  const emu = await BotApiEmulator.start();
  try {
    const account = emu.createBot({ username: "demo_counter_bot" });
    const scene = new Scene(emu, account, { onLine: options.onLine });
    const notify = (line: string) => scene.note(line);
    const bot = new DelegatorBot(account.token, [
      includeCallbackQueryChatId(paveEventSpace())(perChatId(), createOpen, ChatCounter, {
        timeout: idle,
        stats,
        notify,
      }),
    ], { apiRoot: emu.apiRoot, fetch: countingFetch(stats.calls) });
    const loop = bot.messageLoop(undefined, { timeout: 1 });
    const alice = scene.user("Alice");
    const bob = scene.user("Bob");
    const carol = scene.user("Carol");
    const club = emu.createGroup({
      title: "Book club",
      members: [carol.user, alice.user, bob.user],
      bots: [account],
    });

    const alicesChat = async () => {
      await scene.exchange(alice, "Hi! What do you do?");
      const counted = await scene.exchange(alice, "Let me try again");
      await scene.answer(await scene.press(alice, counted, "Reset"));
      scene.show(alice.id, counted.message_id);
      await scene.exchange(alice, "And now?");
    };
    const bobsChat = async () => {
      await scene.exchange(bob, "Hello");
      await scene.exchange(bob, "Counting?");
      scene.note(`(Bob is quiet for ${idle + 1} s: his counter closes by idle timeout)`);
      await sleep(idle + 1);
      await scene.exchange(bob, "I was away for a while");
    };
    const bookClub = async () => {
      await scene.say(carol, "Who has read chapter 3?", club);
      await scene.reply(club);
      await scene.say(alice, "Me!", club);
      await scene.reply(club);
      await scene.say(bob, "Not yet", club);
      await scene.reply(club);
    };
    await Promise.all([alicesChat(), bobsChat(), bookClub()]);
    scene.note("(everyone is quiet: the remaining counters close)");
    await sleep(idle + 1);
    const openAtEnd = bot.delegateCount;
    await loop.stop();
    return {
      lines: scene.lines,
      stats,
      handled: loop.handled,
      openAtEnd,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await emu.close();
  }
}

/** The summary printed after the transcript. */
export function summarize(result: DemoResult): string[] {
  const { stats } = result;
  const calls = [...stats.calls.entries()].sort((a, b) => b[1] - a[1]);
  const total = calls.reduce((sum, [, n]) => sum + n, 0);
  return [
    "Summary",
    `  updates handled:           ${result.handled}`,
    `  delegates opened:          ${stats.opened} (one per chat; a chat that went idle gets a new one)`,
    `  closed by idle timeout:    ${stats.closedByTimeout}`,
    `  closed otherwise:          ${stats.closedOtherwise}`,
    `  still open at the end:     ${result.openAtEnd}`,
    `  Bot API calls:             ${total} (${calls.map(([m, n]) => `${m} ${n}`).join(", ")})`,
    `  time:                      ${result.seconds.toFixed(1)} s`,
  ];
}

if (import.meta.main) {
  console.log(
    "telepot-ts demo: a DelegatorBot with one counter per chat, against the built-in Bot API emulator.",
  );
  console.log("Alice and Bob write privately while Carol, Alice and Bob talk in a group, all at once.\n");
  const started = performance.now();
  const result = await runDemo({
    onLine: (line) =>
      console.log(`${((performance.now() - started) / 1000).toFixed(2).padStart(6)}s  ${line}`),
  });
  console.log("");
  for (const line of summarize(result)) console.log(line);
}
