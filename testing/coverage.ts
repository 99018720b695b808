import { METHODS, TYPES } from "../api/spec.gen.ts";
import { modelledMethods } from "./methods/modelled.ts";

const MANAGED = "managed bots (bots created by other bots) are not emulated";
const VERIFICATION = "verification is a third-party organisation's badge with no effect a bot can observe";
const WEB_APP = "Web Apps do not run in the emulator, so no query id is ever issued: unknown ids are refused";
const RICH = "rich messages and drafts are stored as plausible content; their layout is not interpreted";

/**
 * Why each method the emulator answers with its generic handler is not modelled. The generic handler still
 * checks parameters against the spec, refuses chats, users, messages, queries, payments and business
 * connections that do not exist, and answers a well-formed value of the return type.
 */
export const GENERIC_REASONS: Readonly<Record<string, string>> = {
  sendRichMessage: RICH,
  sendRichMessageDraft: RICH,
  getUserProfileAudios: "profile audio is not part of the emulated accounts",
  setUserEmojiStatus: "emoji statuses need a Premium user's consent through a Mini App",
  answerChatJoinRequestQuery: WEB_APP,
  sendChatJoinRequestWebApp: WEB_APP,
  answerWebAppQuery: WEB_APP,
  answerGuestQuery: "guest queries come from chats the bot is not in, which the emulator does not script",
  getUserPersonalChatMessages: "personal channels of users are not emulated",
  getManagedBotToken: MANAGED,
  replaceManagedBotToken: MANAGED,
  getManagedBotAccessSettings: MANAGED,
  setManagedBotAccessSettings: MANAGED,
  verifyUser: VERIFICATION,
  verifyChat: VERIFICATION,
  removeUserVerification: VERIFICATION,
  removeChatVerification: VERIFICATION,
  savePreparedInlineMessage: "prepared messages are used from Mini Apps, which do not run in the emulator",
  savePreparedKeyboardButton: "prepared buttons are used from Mini Apps, which do not run in the emulator",
  approveSuggestedPost: "suggested posts of channel direct-message chats are not emulated",
  declineSuggestedPost: "suggested posts of channel direct-message chats are not emulated",
  editUserStarSubscription:
    "Star subscriptions are charged monthly by Telegram, which the emulator does not do",
  setPassportDataErrors: "Telegram Passport data is never shared with bots in the emulator",
};

/** Which spec methods the emulator models and which it answers generically. */
export interface MethodCoverage {
  /** Methods with state, preconditions and well-formed results. */
  readonly modelled: readonly string[];
  /** Methods answered by the generic handler, each with the reason in {@link GENERIC_REASONS}. */
  readonly generic: readonly string[];
}

/** The emulator's coverage of the spec's methods. */
export function methodCoverage(): MethodCoverage {
  const handlers = modelledMethods(TYPES);
  const names = Object.keys(METHODS);
  return {
    modelled: names.filter((name) => name in handlers),
    generic: names.filter((name) => !(name in handlers)),
  };
}
