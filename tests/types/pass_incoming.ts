// Must compile: typed routing tables, narrowed function handlers, typed flavor methods.
import {
  Bot,
  byChatCommand,
  call,
  type CallbackQuery,
  ChatContext,
  ChatHandler,
  type ChatHandlerMethods,
  type ChatJoinRequest,
  type ChatMemberUpdated,
  createOpen,
  createRun,
  type DelegationPattern,
  DelegatorBot,
  flavor,
  type FlavorMethods,
  glance,
  hasFlavor,
  type IdleEvent,
  type LoopMessage,
  lowerKey,
  type Message,
  type OriginTuple,
  pair,
  paveEventSpace,
  perApplication,
  perCallbackQueryChatId,
  perCallbackQueryOrigin,
  perChatId,
  perChatIdIn,
  perFromId,
  perInlineFromId,
  perInvoicePayload,
  perMessage,
  type PollAnswer,
  Router,
  type SeedTuple,
  type UpdateFlavor,
  UserHandler,
  type UserHandlerMethods,
} from "../../mod.ts";

const bot = new Bot("1:typed");

bot.messageLoop({
  chat: (msg) => {
    const text: string | undefined = msg.text;
    const chatId: number = msg.chat.id;
    return [text, chatId];
  },
  edited_chat: (msg) => msg.edit_date,
  callback_query: (query) => query.data?.toUpperCase(),
  inline_query: (query) => query.query.length,
  poll_answer: (answer: PollAnswer) => answer.poll_id,
  chat_member: (update) => update.new_chat_member.status,
  message: (msg) => msg.message_id,
  channel_post: (post) => post.chat.title,
  _alarm: (event: { _alarm: { text: string } }) => event._alarm.text,
  null: (payload) => payload,
});

bot.messageLoop((msg) => {
  if (hasFlavor(msg, "chat")) {
    const [contentType, chatType, chatId] = glance(msg);
    return [contentType, chatType, chatId, msg.text];
  }
  if (hasFlavor(msg, "callback_query")) return msg.data;
  if (hasFlavor(msg, "poll_answer")) return msg.option_ids;
});

class Echo extends Bot implements FlavorMethods {
  async onChatMessage(msg: Message) {
    await this.sendMessage(msg.chat.id, msg.text ?? "?");
  }
  onCallbackQuery(query: CallbackQuery) {
    return this.answerCallbackQuery(query.id);
  }
}
new Echo("1:typed").messageLoop();

class Plain extends Bot {}
new Plain("1:typed").messageLoop((msg) => msg);

export class Counter extends ChatHandler implements ChatHandlerMethods {
  count = 0;
  async onChatMessage(msg: Message) {
    await this.sender.sendMessage(`${++this.count}: ${msg.text}`);
  }
}

const perChat: DelegationPattern<number> = [
  (msg) => typeof msg.chat?.id === "number" ? msg.chat.id : null,
  ([bot, , chatId]) => () => bot.sendMessage(chatId, `chat ${chatId.toFixed(0)}`),
];
new DelegatorBot("1:typed", [perChat, [perChatId(), createOpen(Counter, { timeout: 10 })]]);

export class Goodbye extends ChatHandler implements ChatHandlerMethods {
  override async onIdle(event: IdleEvent) {
    await this.sender.sendMessage(`Idle for ${event._idle.seconds} s, bye`);
    this.close();
  }
}
export class QuietClose extends UserHandler implements UserHandlerMethods {
  override onIdle(_event: IdleEvent) {
    this.close();
  }
}

export const perChatTyped: DelegationPattern<number> = [
  perChatId(),
  ([bot, , chatId]) => () => bot.sendMessage(chatId, "x"),
];
export const perUser: DelegationPattern<number> = [
  perFromId(),
  ([bot, , userId]) => () => bot.sendMessage(userId, "hi"),
];
export const perInline: DelegationPattern<number> = [
  perInlineFromId(),
  ([, , userId]) => () => userId.toFixed(0),
];
export const perListed: DelegationPattern<number> = [perChatIdIn([1, 2]), ([, , chatId]) => () => chatId + 1];
export const perButtonChat: DelegationPattern<number> = [perCallbackQueryChatId(), ([, , id]) => () => id];
export const perOrigin: DelegationPattern<OriginTuple> = [
  perCallbackQueryOrigin(),
  ([bot, , origin]) => () =>
    origin.length === 2 ? bot.deleteMessage(origin) : bot.editMessageText(origin, "x"),
];
export const perInvoice: DelegationPattern<string> = [
  perInvoicePayload(),
  ([, , payload]) => () => payload.length,
];
export const perApp: DelegationPattern<number> = [perApplication(), ([, , one]) => () => one];
export const perMsg: DelegationPattern<object> = [perMessage(), ([, , seed]) => () => seed];

export function headlines(msg: Message, query: CallbackQuery, loose: LoopMessage, payload: object) {
  const [contentType, chatType, chatId] = glance(msg);
  const [queryId, fromId, data] = glance(query, "callback_query");
  const [, , looseChatId] = glance(loose);
  const [looseQueryId] = glance(loose, "callback_query");
  const f: UpdateFlavor = flavor(payload) as UpdateFlavor;
  const some: unknown[] = glance(payload, f);
  const named: unknown[] = glance(payload, String(f));
  return [contentType, chatType, chatId, queryId, fromId, data, looseChatId, looseQueryId, some, named];
}

// telepot's skeleton: a loop handler's payload, glanced once flavor(msg) has said which it is.
export function skeleton(bot: Bot) {
  return bot.messageLoop((msg) => {
    const f = flavor(msg);
    if (f === "chat") {
      const [contentType, chatType, chatId] = glance(msg);
      return [contentType, chatType, chatId];
    }
    if (f === "callback_query") {
      const [queryId, fromId, data] = glance(msg, f);
      return [queryId, fromId, data];
    }
  });
}

export class Group extends ChatHandler implements ChatHandlerMethods {
  onChatJoinRequest(request: ChatJoinRequest) {
    return this.bot.approveChatJoinRequest(request.chat.id, request.from.id);
  }
  onMyChatMember(update: ChatMemberUpdated) {
    return update.new_chat_member.status;
  }
  override onClose(ex: unknown) {
    return super.onClose(ex);
  }
}

class Interview extends ChatContext {
  constructor(seedTuple: SeedTuple) {
    super(seedTuple[0], seedTuple[2] as number);
  }
  async run() {}
}
new DelegatorBot("1:typed", [
  paveEventSpace()(perChatId(), createOpen, Counter, { timeout: 10 }),
  pair(perChatId(), createRun, Interview),
  pair(perChatId(), call, async ([bot]: SeedTuple, greeting: string) => await bot.getMe() && greeting, "hi"),
  pair(perChatId(), () => createRun(Interview)),
]);

new DelegatorBot("1:typed", [
  [perInlineFromId(), ([bot, , userId]) => () => bot.sendMessage(userId, `user ${userId.toFixed(0)}`)],
  [perInvoicePayload(), ([, , payload]) => () => payload.toUpperCase()],
  [(msg) => msg.chat?.id, ([, , loose]) => () => loose.toFixed(0)],
  perChat,
  pair(perChatId(), createRun, Interview),
]);

const commands = lowerKey(byChatCommand());
export const commandRouter = new Router(commands, { start: (msg: Message) => msg.chat.id });
// The key function types the handlers and what may be routed.
export const inferredRouter = new Router(byChatCommand({ passArgs: true }), {
  start: (msg, args: string[]) => `${msg.chat.id} ${args.join(" ")}`,
  null: (msg) => msg.text?.toUpperCase(),
});
inferredRouter.routingTable.help = (msg) => msg.from?.first_name;
inferredRouter.route({ message_id: 1, date: 0, chat: { id: 1, type: "private" }, text: "/start" });
// Routers nest, and an untyped key function routes anything.
commandRouter.routingTable.nested = inferredRouter.route;
new Router((msg: { kind: string }) => msg.kind, {}).route({ kind: "a" });
new Router((msg) => String(msg), {}).route(42);
export function commandKey(msg: Message) {
  return commands(msg);
}
