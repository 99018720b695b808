// Must compile: transformers, defaults, per-call options, named types and literal unions.
import {
  Answerer,
  type ApiTransformer,
  Bot,
  type CallbackQuery,
  type Chat,
  type ChosenInlineResult,
  defaults,
  Editor,
  type InputChecklist,
  isCallTo,
  localFile,
  type Message,
  type MessageEntity,
  messageIdentifier,
  type MsgIdentifier,
  namedtuple,
  originIdentifier,
  retryTransformer,
  Sender,
} from "../../mod.ts";

const bot = new Bot("1:typed");

const shout: ApiTransformer = async (call, next) => {
  if (isCallTo(call, "sendMessage")) {
    const text: string | undefined = call.params.text;
    return await next({ ...call, params: { ...call.params, text: text?.toUpperCase() } });
  }
  return await next(call);
};
const cached: ApiTransformer = (call, next) =>
  call.method === "getMe" ? Promise.resolve({ id: 1 }) : next(call);
bot.transformers.use(retryTransformer({ maxAttempts: 2 }), shout, cached);
bot.transformers.use(
  defaults({ parse_mode: "HTML", protect_content: true, link_preview_options: { is_disabled: true } }),
);

const controller = new AbortController();
export const sent: Promise<Message> = bot.sendMessage(1, "<b>hi</b>", { parse_mode: "MarkdownV2" }, {
  signal: controller.signal,
  timeout: 5,
});
export const me = bot.getMe({ timeout: 2 });
export const closed: Promise<boolean> = bot.closeBotInstance();

export const chatType: Chat["type"] = "supergroup";
export const entity: MessageEntity["type"] = "bot_command";
export const action = bot.sendChatAction(1, "typing");

export async function identifiers(chatId: number, query: CallbackQuery, chosen: ChosenInlineResult) {
  const sent = await bot.sendMessage(chatId, "temporary");
  await bot.editMessageText(messageIdentifier(sent), "edited");
  await bot.deleteMessage(messageIdentifier(sent));
  const poll = await bot.sendPoll(chatId, "Q?", [{ text: "a" }, { text: "b" }]);
  await bot.stopPoll(messageIdentifier(poll));
  if (query.message) await bot.deleteMessage(messageIdentifier(query.message));
  await bot.editMessageText(originIdentifier(query), "pressed");
  await bot.editMessageText(messageIdentifier(chosen), "chosen");
  const [chat, id]: [number, number] = messageIdentifier(sent);
  const [inline]: [string] = messageIdentifier({ inline_message_id: "AAQCAD4" });
  const ephemeral = messageIdentifier({ chat: { id: 1 }, receiver_user: { id: 2 }, ephemeral_message_id: 3 });
  await bot.deleteEphemeralMessage(ephemeral);
  return [chat, id, inline];
}

const answerer = new Answerer(bot);
bot.messageLoop({
  inline_query: (query) => {
    const articles = () => [namedtuple.InlineQueryResultArticle({
      id: "abc",
      title: "ABC",
      input_message_content: namedtuple.InputTextMessageContent({ message_text: "Hello" }),
    })];
    void answerer.answer(query, articles);
    void answerer.answer(query, () => [articles(), 60, null, "next"]);
    void answerer.answer(query, () => ({ results: articles(), cache_time: 60 }));
    void answerer.answer(query, (prefix: string) => [{
      type: "article" as const,
      id: "1",
      title: prefix + query.query,
      input_message_content: { message_text: "x" },
    }], "> ");
  },
});

declare const checklist: InputChecklist;
const sender = new Sender(bot, 12345);
export const checklistSent = sender.sendChecklist("business-connection", checklist);
export const texted = sender.sendMessage("hi", { parse_mode: "HTML" });

export const captions: ApiTransformer = (call, next) => {
  if (isCallTo(call, "sendPhoto")) {
    const caption: string | null | undefined = call.params.caption;
    return next({ ...call, params: { ...call.params, caption: caption?.toUpperCase() ?? null } });
  }
  return next(call);
};

const png = new Uint8Array([137, 80, 78, 71]);
export const chart = bot.sendPhoto(1, ["chart.png", png]);
export const fromDisk = bot.sendDocument(1, ["report.pdf", localFile("/tmp/report.pdf")], { caption: null });
export const local = bot.sendAudio(1, localFile("song.mp3"));

// One album may mix photos and videos: the parameter is an array of the media union, not a union of arrays.
export const album = bot.sendMediaGroup(1, [
  { type: "photo", media: "photo-file-id" },
  { type: "video", media: png },
  namedtuple.InputMediaPhoto({ media: "another-photo" }),
]);

export async function messageKinds(editor: Editor) {
  await bot.editMessageText([1, 2], "in a chat");
  await bot.editMessageText(["AAQCAD4"], "inline");
  await bot.editMessageText("AAQCAD4", "inline");
  await bot.editEphemeralMessageText([-100123, 777, 5], "ephemeral");
  await bot.deleteEphemeralMessage([-100123, 777, 5]);
  const identifier: MsgIdentifier = [1, 2];
  await new Editor(bot, identifier).editMessageText("through an editor");
  await editor.editEphemeralMessageText("through an editor");
  await editor.deleteMessage();
}
