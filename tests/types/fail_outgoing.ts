// Must NOT compile: each marked line fails with the error code after "expect".
import {
  Answerer,
  type ApiTransformer,
  Bot,
  type CallbackQuery,
  type Chat,
  type ChosenInlineResult,
  defaults,
  type InlineQuery,
  type InputChecklist,
  isCallTo,
  messageIdentifier,
  namedtuple,
  originIdentifier,
  Sender,
} from "../../mod.ts";

const bot = new Bot("1:typed");

export const chatType: Chat["type"] = "privat"; // expect TS2820
bot.sendMessage(1, "x", { parse_mode: "html" }); // expect TS2820
bot.sendMessage(1, "x", {}, { signl: new AbortController().signal }); // expect TS2561
bot.sendChatAction(1, "dancing"); // expect TS2345
bot.close(); // expect TS2339
defaults({ parse_mode: "html" }); // expect TS2820
defaults({ no_such_parameter: 1 }); // expect TS2353
export const sync: ApiTransformer = (call) => call.method; // expect TS2322
export const typo: ApiTransformer = (call, next) => isCallTo(call, "sendMesage") ? next(call) : next(call); // expect TS2345
export const text: ApiTransformer = (call, next) => isCallTo(call, "getMe") ? next(call) : next(call.params); // expect TS2345
bot.stopPoll("AAQCAD4"); // expect TS2345

declare const query: CallbackQuery;
declare const chosen: ChosenInlineResult;
bot.deleteMessage(originIdentifier(query)); // expect TS2345
bot.deleteMessage(messageIdentifier(chosen)); // expect TS2345
bot.deleteMessage(messageIdentifier({ chat: { id: 1 }, receiver_user: { id: 2 }, ephemeral_message_id: 3 })); // expect TS2345

declare const inlineQuery: InlineQuery;
new Answerer(bot).answer(inlineQuery, () => "no results"); // expect TS2322
const misspelt = namedtuple.InputTextMessageContent({ message_text: "x" });
new Answerer(bot).answer(inlineQuery, () => [{ type: "articel", id: "1", input_message_content: misspelt }]); // expect TS2353

declare const checklist: InputChecklist;
new Sender(bot, 12345).sendChecklist(777, checklist); // expect TS2345

export const nullBlind: ApiTransformer = (call, next) => {
  if (isCallTo(call, "sendPhoto")) {
    const caption: string | undefined = call.params.caption; // expect TS2322
    return next({ ...call, params: { ...call.params, caption } });
  }
  return next(call);
};

const bytes = new Uint8Array([137, 80, 78, 71]);
bot.sendPhoto(1, [bytes, "chart.png"]); // expect TS2345
bot.sendDocument(1, ["report.pdf"]); // expect TS2345
bot.sendAudio(1, []); // expect TS2345
bot.sendPhoto(1, { path: "cat.jpg" }); // expect TS2345

bot.sendMediaGroup(1, [{ type: "photo", media: "x" }, { type: "sticker", media: "y" }]); // expect TS2322

// Each method's identifier is the shapes it accepts at run time: a three-element identifier is an
// ephemeral message's, which only the …Ephemeral… methods take, and they take nothing else.
bot.editMessageText([1, 2, 3], "x"); // expect TS2345
bot.editMessageCaption([1, 2, 3]); // expect TS2345
bot.editEphemeralMessageText([1, 2], "x"); // expect TS2345
bot.editEphemeralMessageText("AAQCAD4", "x"); // expect TS2345
bot.deleteEphemeralMessage(["AAQCAD4"]); // expect TS2345
