// Must NOT compile: each marked line fails with the error code after "expect".
import {
  Bot,
  byChatCommand,
  type CallbackQuery,
  ChatContext,
  ChatHandler,
  type ChatHandlerMethods,
  createOpen,
  createRun,
  type DelegationPattern,
  DelegatorBot,
  glance,
  hasFlavor,
  type InlineQuery,
  lowerKey,
  type Message,
  pair,
  perChatId,
  perInvoicePayload,
  Router,
  type SeedTuple,
} from "../../mod.ts";

const bot = new Bot("1:typed");

bot.messageLoop({ mesage: (msg: unknown) => msg }); // expect TS2353
bot.messageLoop({ chat: (msg) => Math.abs(msg.text) }); // expect TS2345
bot.messageLoop({ callback_query: (query) => query.text }); // expect TS2339
bot.messageLoop({ inline_query: (query: CallbackQuery) => query.data }); // expect TS2322
bot.messageLoop((msg) => msg.text); // expect TS2339
bot.messageLoop((msg) => hasFlavor(msg, "chat") && msg.data); // expect TS2339
bot.messageLoop((msg) => hasFlavor(msg, "no_such_flavor")); // expect TS2345

class Wrong extends Bot {
  onChatMessage(query: CallbackQuery) {
    return query.data;
  }
}
new Wrong("1:typed").messageLoop(); // expect TS2684

export class WrongHandler extends ChatHandler implements ChatHandlerMethods {
  onChatMessage(query: CallbackQuery) { // expect TS2416
    return query.data;
  }
}

export const mismatched: DelegationPattern<number> = [
  (msg) => String(msg.chat?.id), // expect TS2322
  ([, , chatId]) => () => chatId.toFixed(0),
];

export class WrongIdle extends ChatHandler {
  override onIdle(event: Message) { // expect TS2416
    return event.text;
  }
}

export const wrongSeed: DelegationPattern<string> = [perChatId(), ([, , id]) => () => id.toUpperCase()]; // expect TS2322
export const wrongPayload: DelegationPattern<number> = [perInvoicePayload(), ([, , n]) => () => n.toFixed()]; // expect TS2322

declare const inlineQuery: InlineQuery;
declare const message: Message;
glance(inlineQuery); // expect TS2345
glance(inlineQuery, "callback_query"); // expect TS2769
glance(message, "poll_answer"); // expect TS2769

export class TextOnly extends ChatHandler implements ChatHandlerMethods {
  onChatMessage(msg: Message & { text: string }) { // expect TS2416
    return msg.text.toUpperCase();
  }
  onChatJoinRequest(msg: Message) { // expect TS2416
    return msg.text;
  }
}

class DataButtons extends Bot {
  onCallbackQuery(query: CallbackQuery & { data: string }) {
    return query.data.toUpperCase();
  }
}
new DataButtons("1:typed").messageLoop(); // expect TS2684

class Runner extends ChatContext {
  constructor(seedTuple: SeedTuple) {
    super(seedTuple[0], 1);
  }
  async run() {}
}
export const unopenable = pair(perChatId(), createOpen, Runner); // expect TS2345
export const unrunnable = pair(perChatId(), createRun, WrongHandler, { timeout: 10 }); // expect TS2345

new DelegatorBot("1:typed", [
  [perChatId(), ([, , chatId]) => () => chatId.toUpperCase()], // expect TS2339
]);

lowerKey(byChatCommand())(42); // expect TS2345

new Router(byChatCommand(), { start: (msg) => msg.data }); // expect TS2339
new Router(byChatCommand(), {}).route(42); // expect TS2345
new Router(byChatCommand(), {}).routingTable.help = (query: CallbackQuery) => query.data; // expect TS2322
