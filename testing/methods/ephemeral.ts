/**
 * Ephemeral messages (Bot API 10.2): a bot's message in a chat that only one user, its receiver, sees.
 * A send method given `ephemeral_message_parameters` builds the message as usual but keeps it out of the
 * chat's log (no message_id, no transcript, no `nextBotMessage`); it is stored per chat and receiver
 * under an `ephemeral_message_id`, edited by the `editEphemeralMessage…` methods and removed by
 * `deleteEphemeralMessage`. {@link ephemeralView} is what one user sees.
 */
import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { optInt, optObj } from "../params.ts";
import { type MessageObj, type Obj, unixNow, type UserObj } from "../types.ts";
import type { BotState, ChatState, World } from "../world.ts";
import { targetChat } from "./common.ts";
import { applyEdit, captionChange, type EditChange, mediaChange, textChange } from "./edit_changes.ts";

/** One ephemeral message and who may see and change it. */
interface Ephemeral {
  readonly message: MessageObj;
  readonly bot: BotState;
}

/** Ephemeral messages of one chat by `<receiver id>:<ephemeral message id>`, and the last id given. */
interface ChatEphemerals {
  readonly messages: Map<string, Ephemeral>;
  lastId: number;
}

const perChat = new WeakMap<ChatState, ChatEphemerals>();

function ephemeralsOf(state: ChatState): ChatEphemerals {
  let found = perChat.get(state);
  if (found === undefined) perChat.set(state, found = { messages: new Map(), lastId: 0 });
  return found;
}

/** The ephemeral messages of a chat that `userId` sees (only those addressed to them), oldest first. */
export function ephemeralView(state: ChatState, userId: number): MessageObj[] {
  return [...ephemeralsOf(state).messages.values()]
    .map((e) => e.message)
    .filter((m) => (m.receiver_user as UserObj).id === userId);
}

/** The receiver named by `receiver_user_id`: a user who is in the chat (the user of a private chat). */
function receiverIn(world: World, state: ChatState, id: unknown): UserObj {
  const user = world.findUser(id);
  const inChat = user !== undefined
    && (state.user !== undefined ? state.user.id === user.id : world.isMember(state, user.id));
  if (user === undefined || user.is_bot || !inChat) throw badRequest("receiver user not found in the chat");
  return user;
}

/**
 * Wraps a send method's handler: without `ephemeral_message_parameters` the call is unchanged; with
 * them, the handler's message is built through a world whose `addMessage` stores it as an ephemeral
 * message of the receiver instead of posting it to the chat.
 */
export function ephemeralSending(handler: Handler): Handler {
  return async (ctx) => {
    const parameters = optObj(ctx.params, "ephemeral_message_parameters");
    if (parameters === undefined) return await handler(ctx);
    const state = targetChat(ctx);
    if (state.chat.type === "channel") throw badRequest("ephemeral messages can't be sent to channels");
    const receiver = receiverIn(ctx.world, state, parameters.receiver_user_id);
    const store = (target: ChatState, fields: Obj, from: UserObj | null): MessageObj => {
      const chat = ephemeralsOf(target);
      const id = ++chat.lastId;
      const message = {
        message_id: 0,
        ...(from === null ? {} : { from }),
        date: Math.floor(Date.now() / 1000),
        chat: target.chat,
        receiver_user: receiver,
        ephemeral_message_id: id,
        ...fields,
      } as MessageObj;
      chat.messages.set(`${receiver.id}:${id}`, { message, bot: ctx.bot });
      return message;
    };
    const world = new Proxy(ctx.world, {
      get(target, key) {
        if (key === "addMessage") return store;
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    return await handler({ ...ctx, world, services: { ...ctx.services, world } });
  };
}

/** The ephemeral message an edit or delete targets, checked to belong to the calling bot. */
function target(ctx: CallContext, verb: string): { chat: ChatEphemerals; key: string; message: MessageObj } {
  const state = targetChat(ctx);
  const receiver = optInt(ctx.params, "receiver_user_id");
  const id = optInt(ctx.params, "ephemeral_message_id");
  if (receiver === undefined || id === undefined) {
    throw badRequest("ephemeral message identifier is not specified");
  }
  const chat = ephemeralsOf(state);
  const key = `${receiver}:${id}`;
  const found = chat.messages.get(key);
  if (found === undefined) throw badRequest(`ephemeral message to ${verb} not found`);
  if (found.bot !== ctx.bot) {
    throw badRequest(`ephemeral message can't be ${verb === "edit" ? "edited" : "deleted"}`);
  }
  return { chat, key, message: found.message };
}

/** Applies an edit (see {@link applyEdit}) and dates it. */
function commit(ctx: CallContext, message: MessageObj, change: EditChange): true {
  applyEdit(ctx, message, change);
  message.edit_date = unixNow();
  return true;
}

function editEphemeralMessageText(ctx: CallContext): true {
  const { message } = target(ctx, "edit");
  return commit(ctx, message, textChange(ctx, message));
}

function editEphemeralMessageCaption(ctx: CallContext): true {
  const { message } = target(ctx, "edit");
  return commit(ctx, message, captionChange(ctx, message));
}

async function editEphemeralMessageMedia(ctx: CallContext): Promise<true> {
  const { message } = target(ctx, "edit");
  return commit(ctx, message, await mediaChange(ctx, message));
}

function editEphemeralMessageReplyMarkup(ctx: CallContext): true {
  return commit(ctx, target(ctx, "edit").message, () => {});
}

function deleteEphemeralMessage(ctx: CallContext): true {
  const { chat, key } = target(ctx, "delete");
  chat.messages.delete(key);
  return true;
}

/** Handlers of the methods that edit and delete ephemeral messages. */
export const EPHEMERAL_METHODS: Readonly<Record<string, Handler>> = {
  editEphemeralMessageText,
  editEphemeralMessageCaption,
  editEphemeralMessageMedia,
  editEphemeralMessageReplyMarkup,
  deleteEphemeralMessage,
};
