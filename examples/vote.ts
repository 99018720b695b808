/**
 * A vote in a group, with a deadline: `/vote <question>` posts a ballot with Yes/No buttons and
 * schedules an `_expired` event; the vote closes when it fires, or earlier when every member has
 * voted (the event is then cancelled). Button presses reach the group's delegate because the pattern
 * is wrapped in `includeCallbackQueryChatId`.
 *
 * Set `VOTE_SECONDS` to change the deadline (default 60). `deno task example vote --emulator`
 *
 * @module
 */
import {
  type CallbackQuery,
  ChatHandler,
  type ChatHandlerOptions,
  createOpen,
  DelegatorBot,
  EventNotFound,
  includeCallbackQueryChatId,
  type Message,
  type Msg,
  paveEventSpace,
  perChatId,
  type ScheduledEvent,
  type SeedTuple,
} from "../mod.ts";
import type { Example } from "./_harness.ts";

const BALLOT = {
  inline_keyboard: [[{ text: "Yes", callback_data: "yes" }, { text: "No", callback_data: "no" }]],
};

/** One running vote. */
interface Ballot {
  readonly question: string;
  readonly message: Message;
  readonly votes: Map<number, "yes" | "no">;
  readonly deadline: ScheduledEvent<Msg>;
}

/** Options of a group's vote keeper. */
interface VoteOptions extends ChatHandlerOptions {
  /** Seconds a vote stays open. */
  readonly voteSeconds: number;
}

/** Runs the votes of one group. */
class VoteKeeper extends ChatHandler {
  #ballot: Ballot | undefined;
  readonly #voteSeconds: number;

  constructor(seedTuple: SeedTuple, options: VoteOptions) {
    super(seedTuple, options);
    this.#voteSeconds = options.voteSeconds;
  }

  async onChatMessage(msg: Message): Promise<void> {
    // The command is the whole first word: `/voters` is not `/vote`, and `/vote@other_bot` is meant
    // for another bot in the group.
    const [, command, mention, rest] = /^\/(\w+)(?:@(\w+))?(?:\s+|$)(.*)/s.exec(msg.text ?? "") ?? [];
    // `bot.me` is known: the message loop calls getMe before any handler runs.
    const mine = mention === undefined || mention.toLowerCase() === this.bot.me?.username?.toLowerCase();
    if (command !== "vote" || !mine) return;
    if (this.#ballot !== undefined) {
      await this.sender.sendMessage(`Please vote on "${this.#ballot.question}" first`);
      return;
    }
    const question = rest.trim() || "Yes or no?";
    const message = await this.sender.sendMessage(`${question} (${this.#voteSeconds} s to vote)`, {
      reply_markup: BALLOT,
    });
    const deadline = this.scheduler.eventLater(this.#voteSeconds, ["_expired", {}]);
    this.#ballot = { question, message, votes: new Map(), deadline };
  }

  async onCallbackQuery(query: CallbackQuery): Promise<void> {
    const ballot = this.#ballot;
    if (ballot === undefined || query.message?.message_id !== ballot.message.message_id) {
      await this.bot.answerCallbackQuery(query.id, { text: "This vote is closed" });
      return;
    }
    // One vote each, as in telepot's vote example: a second press does not change it.
    const cast = ballot.votes.get(query.from.id);
    if (cast !== undefined) {
      await this.bot.answerCallbackQuery(query.id, { text: `You have already voted ${cast}` });
      return;
    }
    const choice = query.data === "yes" ? "yes" : "no";
    ballot.votes.set(query.from.id, choice);
    await this.bot.answerCallbackQuery(query.id, { text: `You voted ${choice}` });
    // Every member but the bot itself.
    const voters = (await this.administrator.getChatMemberCount()) - 1;
    if (ballot.votes.size >= voters) {
      try {
        this.scheduler.cancel(ballot.deadline);
      } catch (e) {
        // The deadline fired while we awaited the member count; its `_expired` is queued behind this
        // press and will find the ballot already closed.
        if (!(e instanceof EventNotFound)) throw e;
      }
      await this.#close("everyone has voted");
    }
  }

  async onExpired(_event: Msg): Promise<void> {
    await this.#close("time is up");
  }

  async #close(why: string): Promise<void> {
    const ballot = this.#ballot;
    if (ballot === undefined) return;
    this.#ballot = undefined;
    const yes = [...ballot.votes.values()].filter((v) => v === "yes").length;
    const no = ballot.votes.size - yes;
    const result = `${ballot.question}: yes ${yes}, no ${no}`;
    await this.bot.editMessageText([ballot.message.chat.id, ballot.message.message_id], `${result} (closed)`);
    await this.sender.sendMessage(`Vote closed, ${why}. ${result}`);
  }
}

/** The vote example. */
export const example: Example = {
  summary: "a group vote with a deadline event, closed early when everyone has voted",
  prepare: () => ({ VOTE_SECONDS: "5" }),
  start({ token, apiRoot, env }) {
    const voteSeconds = Number(env("VOTE_SECONDS") ?? 60);
    const bot = new DelegatorBot(token, [
      includeCallbackQueryChatId(paveEventSpace())(
        perChatId({ types: ["group", "supergroup"] }),
        createOpen,
        VoteKeeper,
        { timeout: voteSeconds + 60, voteSeconds },
      ),
    ], { apiRoot });
    return bot.messageLoop();
  },
  async script(scene) {
    const alice = scene.user("Alice");
    const bob = scene.user("Bob");
    const carol = scene.user("Carol");
    const team = scene.emu.createGroup({
      title: "Team",
      members: [alice.user, bob.user, carol.user],
      bots: [scene.bot],
    });
    await scene.say(alice, "/vote Pizza on Friday?", team);
    const pizza = await scene.reply(team);
    await scene.answer(await scene.press(alice, pizza, "Yes"));
    await scene.answer(await scene.press(bob, pizza, "No"));
    await scene.say(carol, "/vote Tacos instead?", team);
    await scene.reply(team);
    await scene.answer(await scene.press(bob, pizza, "Yes"));
    await scene.reply(team, { timeout: 30 });
    scene.show(team, pizza.message_id);

    await scene.say(bob, "/vote Meeting at nine?", team);
    const meeting = await scene.reply(team);
    await scene.answer(await scene.press(alice, meeting, "No"));
    await scene.answer(await scene.press(bob, meeting, "Yes"));
    await scene.answer(await scene.press(carol, meeting, "No"));
    await scene.reply(team);
    scene.show(team, meeting.message_id);
  },
};
