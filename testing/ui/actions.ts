/**
 * What a person does on the page, carried out by the emulator's scripted users: writing, sending files,
 * pressing buttons, inline mode, voting, paying, and creating users, groups and members.
 *
 * @module
 */
import type { InlineQuery } from "../../api/types.gen.ts";
import type { BotApiEmulator } from "../emulator.ts";
import { ScriptError } from "../failure.ts";
import { FileStore } from "../files.ts";
import { MEDIA_KINDS, mediaField } from "../methods/media.ts";
import { ScriptedUser } from "../scripted_user.ts";
import type { Obj } from "../types.ts";
import type { UserSendOptions } from "../user_types.ts";
import type { ChatState } from "../world.ts";
import { chatByKey, chatKey } from "./view.ts";

/** A user acting in one chat: who, where, and how a send there is addressed. */
interface Seat {
  readonly user: ScriptedUser;
  readonly state: ChatState;
  /** Chat id to send to (the user's id for a private chat). */
  readonly target: number;
  /** Send options naming the bot of a private chat. */
  readonly options: UserSendOptions;
}

/** Seconds the page waits for a bot to answer a button press or an inline query. */
const ANSWER_SECONDS = 15;

/** The actions behind the page's requests, over one emulator. */
export class UiActions {
  /**
   * @param emu the emulator whose world the page shows.
   * @param closing aborted when the page stops: waits for a bot's answer end then, so shutdown is prompt.
   */
  readonly #emu: BotApiEmulator;
  readonly #closing: AbortSignal;

  constructor(emu: BotApiEmulator, closing: AbortSignal) {
    this.#emu = emu;
    this.#closing = closing;
  }

  /** `promise`, or a ScriptError once the page stops. */
  #untilClosed<T>(promise: Promise<T>): Promise<T> {
    if (this.#closing.aborted) return Promise.reject(new ScriptError("the page has stopped"));
    return new Promise<T>((resolve, reject) => {
      const stop = () => reject(new ScriptError("the page has stopped"));
      this.#closing.addEventListener("abort", stop, { once: true });
      promise.then(resolve, reject).finally(() => this.#closing.removeEventListener("abort", stop));
    });
  }

  #user(id: unknown): ScriptedUser {
    const user = this.#emu.world.users.get(Number(id));
    if (user === undefined) throw new ScriptError(`unknown user ${String(id)}`);
    return new ScriptedUser(this.#emu, user);
  }

  #seat(userId: unknown, key: unknown): Seat {
    const user = this.#user(userId);
    const state = chatByKey(this.#emu.world, String(key));
    if (state === undefined) throw new ScriptError(`unknown chat ${String(key)}`);
    if (state.peer !== undefined) {
      if (state.user!.id !== user.id) throw new ScriptError("that is another user's private chat");
      return { user, state, target: user.id, options: { to: state.peer.token } };
    }
    return { user, state, target: state.chat.id, options: {} };
  }

  #message(state: ChatState, id: unknown) {
    const message = this.#emu.world.message(state, Number(id));
    if (message === undefined) throw new ScriptError(`no message ${String(id)} in this chat`);
    return message;
  }

  /** Writes text, optionally replying to a message of the chat. */
  async send(userId: unknown, key: unknown, text: string, replyTo?: number): Promise<void> {
    const seat = this.#seat(userId, key);
    await seat.user.sendText(seat.target, text, { ...seat.options, ...(replyTo ? { replyTo } : {}) });
  }

  /** Sends a file from the browser: a photo, voice, audio or video by its type, else a document. */
  async upload(userId: unknown, key: unknown, file: File, caption: string, replyTo?: number): Promise<void> {
    const seat = this.#seat(userId, key);
    const kind = uploadKind(file.type);
    const stored = this.#emu.world.files.add(
      new Uint8Array(await file.arrayBuffer()),
      MEDIA_KINDS[kind].folder,
      file.name,
      file.type,
    );
    const content: Obj = { [kind]: mediaField(kind, FileStore.describe(stored), stored, {}) };
    if (caption !== "") content.caption = caption;
    await seat.user.send(seat.target, content, { ...seat.options, ...(replyTo ? { replyTo } : {}) });
  }

  /** Presses an inline button; resolves with the bot's answer (null when it gives none in time). */
  async press(
    userId: unknown,
    key: unknown,
    messageId: unknown,
    row: number,
    column: number,
  ): Promise<Obj | null> {
    const seat = this.#seat(userId, key);
    const query = await seat.user.pressButton(this.#message(seat.state, messageId), [row, column]);
    return await this.#untilClosed(this.#emu.answerOf(query, { timeout: ANSWER_SECONDS })).catch(() => null);
  }

  /** Types `@bot query`; resolves with the query's id and the bot's results. */
  async inline(userId: unknown, key: unknown, bot: string, text: string, offset = ""): Promise<Obj> {
    const seat = this.#seat(userId, key);
    const type = seat.state.chat.type;
    const query = await seat.user.inlineQuery(bot, text, {
      offset,
      chat_type: seat.state.peer !== undefined ? "sender" : type,
    });
    const answer = await this.#untilClosed(this.#emu.answerOf(query, { timeout: ANSWER_SECONDS }));
    return {
      query: query.id,
      results: ((answer.results ?? []) as Obj[]).map(resultView),
      next_offset: answer.next_offset ?? "",
    };
  }

  /** Chooses an inline result: it is posted in the chat through the bot. */
  async choose(userId: unknown, key: unknown, queryId: string, resultId: string): Promise<void> {
    const seat = this.#seat(userId, key);
    const query = this.#emu.world.queries.get(queryId);
    if (query === undefined || query.kind !== "inline_query") throw new ScriptError("unknown inline query");
    // A private chat is named by the user's id, which means the chat with the bot they last talked to.
    if (seat.state.peer !== undefined) this.#emu.world.lastPeer.set(seat.user.id, seat.state.peer);
    await seat.user.chooseInlineResult(query.query as unknown as InlineQuery, resultId, {
      chat: seat.target,
    });
  }

  /** Votes for one option of a poll. */
  async vote(userId: unknown, key: unknown, messageId: unknown, option: number): Promise<void> {
    const seat = this.#seat(userId, key);
    await seat.user.vote(this.#message(seat.state, messageId), [option]);
  }

  /** Pays an invoice; resolves with the outcome. */
  async pay(userId: unknown, key: unknown, messageId: unknown): Promise<Obj> {
    const seat = this.#seat(userId, key);
    const paying = seat.user.pay(this.#message(seat.state, messageId), { timeout: ANSWER_SECONDS });
    return await this.#untilClosed(paying) as Obj;
  }

  /** Creates a user. */
  createUser(firstName: string): number {
    if (firstName.trim() === "") throw new ScriptError("a user needs a name");
    return this.#emu.createUser({ first_name: firstName.trim() }).id;
  }

  /** Creates a group, supergroup or channel with the user as its creator and the given bots in it. */
  createChat(userId: unknown, title: string, type: string, botIds: unknown): string {
    const user = this.#user(userId);
    if (title.trim() === "") throw new ScriptError("a chat needs a title");
    if (!Array.isArray(botIds)) throw new ScriptError("bots must be a list of bot ids");
    const bots = botIds.map((id) => {
      const bot = this.#emu.world.bots.get(Number(id));
      if (bot === undefined) throw new ScriptError(`unknown bot ${String(id)}`);
      return bot.token;
    });
    const options = { title: title.trim(), members: [user], bots };
    const chat = type === "channel"
      ? this.#emu.createChannel(options)
      : this.#emu.createGroup({ ...options, type: type === "supergroup" ? "supergroup" : "group" });
    return chatKey(this.#emu.chat(chat.id));
  }

  /** Adds a user or a bot to a group or channel the user is in. */
  async addMember(userId: unknown, key: unknown, memberId: unknown): Promise<void> {
    const seat = this.#seat(userId, key);
    const world = this.#emu.world;
    const bot = world.bots.get(Number(memberId));
    const member = bot !== undefined ? bot.token : this.#user(memberId);
    await seat.user.addMember(seat.state.chat.id, member);
  }
}

/** Which media kind a file from the browser is sent as. */
export function uploadKind(mime: string): string {
  if (mime === "image/gif") return "animation";
  if (mime.startsWith("image/")) return "photo";
  if (mime === "audio/ogg") return "voice";
  if (mime.startsWith("audio/")) return "audio";
  if (mime.startsWith("video/")) return "video";
  return "document";
}

/** An inline result as the page lists it. */
function resultView(result: Obj): Obj {
  const input = result.input_message_content as Obj | undefined;
  return {
    id: String(result.id),
    title: String(result.title ?? input?.message_text ?? result.caption ?? result.type),
    ...(typeof result.description === "string" ? { description: result.description } : {}),
  };
}
