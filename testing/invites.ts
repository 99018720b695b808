import { randomId } from "./files.ts";
import type { Obj, UserObj } from "./types.ts";
import { unixNow } from "./types.ts";
import type { ChatState, World } from "./world.ts";

/** An invite link and the chat it leads to. */
export interface InviteState {
  /** The ChatInviteLink object (its counters kept current). */
  readonly link: Obj & { invite_link: string; is_revoked: boolean; creates_join_request: boolean };
  /** The chat. */
  readonly chat: ChatState;
  /** Users who joined through it. */
  joined: number;
}

/**
 * How long a bot told of a join request may message its user (`user_chat_id`), in seconds: the Bot API's
 * 5 minutes, cut short when the request is approved or declined.
 */
export const JOIN_REQUEST_CONTACT_SECONDS = 300;

/** A pending request to join a chat. */
export interface JoinRequestState {
  /** The user asking. */
  readonly user: UserObj;
  /** The link used, if any. */
  readonly via?: InviteState;
  /** When it was filed (unix time), which starts the contact window of {@link InviteBook.mayContact}. */
  date: number;
  /** The bots told of it (`chat_join_request`), by user id: those may message the user for a while. */
  readonly told: Set<number>;
}

/** Invite links by URL and join requests by `<chat id>:<user id>`, for one world. */
export class InviteBook {
  /** Links by URL. */
  readonly links: Map<string, InviteState> = new Map();
  /** Pending join requests by `<chat id>:<user id>`. */
  readonly requests: Map<string, JoinRequestState> = new Map();

  /** A new link for a chat (`https://t.me/+…`), remembered. */
  create(chat: ChatState, creator: UserObj, fields: Obj, primary: boolean): InviteState {
    const link = {
      invite_link: `https://t.me/+${randomId(16)}`,
      creator,
      creates_join_request: false,
      is_primary: primary,
      is_revoked: false,
      ...fields,
    };
    const state: InviteState = { link, chat, joined: 0 };
    this.links.set(link.invite_link, state);
    return state;
  }

  /** Whether a link can still be used: not revoked, not expired, under its member limit. */
  usable(state: InviteState): boolean {
    const { link } = state;
    if (link.is_revoked) return false;
    if (typeof link.expire_date === "number" && link.expire_date <= unixNow()) return false;
    return typeof link.member_limit !== "number" || state.joined < link.member_limit;
  }

  /** Files a join request and tells the chat's bots that may approve it (`chat_join_request`). */
  request(world: World, chat: ChatState, user: UserObj, via?: InviteState): void {
    const date = unixNow();
    const told = new Set<number>();
    this.requests.set(`${chat.chat.id}:${user.id}`, {
      user,
      ...(via !== undefined ? { via } : {}),
      date,
      told,
    });
    if (via !== undefined) {
      via.link.pending_join_request_count = Number(via.link.pending_join_request_count ?? 0) + 1;
    }
    const update: Obj = { chat: chat.chat, from: user, user_chat_id: user.id, date };
    if (via !== undefined) update.invite_link = via.link;
    for (const bot of world.audience(chat)) {
      const me = chat.members.get(bot.user.id);
      if (me?.status === "administrator" && me.can_invite_users === true) {
        told.add(bot.user.id);
        bot.queue.push("chat_join_request", update);
      }
    }
  }

  /**
   * Whether a pending join request lets a bot message its user: the Bot API's user_chat_id "can be used
   * for 5 minutes to send messages until the join request is processed", so only a bot told of the
   * request, only until it is approved or declined, and for {@link JOIN_REQUEST_CONTACT_SECONDS} at most.
   * (Telegram also closes it once another administrator contacts the user; the emulator does not.)
   */
  mayContact(userId: number, botId: number): boolean {
    const now = unixNow();
    for (const pending of this.requests.values()) {
      if (pending.user.id !== userId || !pending.told.has(botId)) continue;
      if (now < pending.date + JOIN_REQUEST_CONTACT_SECONDS) return true;
    }
    return false;
  }

  /** Takes a pending join request out (approved or declined); undefined when there is none. */
  settle(chat: ChatState, userId: number): JoinRequestState | undefined {
    const key = `${chat.chat.id}:${userId}`;
    const pending = this.requests.get(key);
    if (pending === undefined) return undefined;
    this.requests.delete(key);
    if (pending.via !== undefined) {
      const count = Number(pending.via.link.pending_join_request_count ?? 1) - 1;
      if (count > 0) pending.via.link.pending_join_request_count = count;
      else delete pending.via.link.pending_join_request_count;
    }
    return pending;
  }
}
