import { METHODS, TYPES } from "../api/spec.gen.ts";
import { modelledMethods } from "./methods/modelled.ts";

// None of these is a method a bot calls in a private chat, a group, a supergroup with topics or a channel:
// each names a user, a query or a managed bot rather than a chat, or (verifyChat, removeChatVerification)
// is accepted by Telegram only from a verification organisation's bot.
const USER = "takes a user, not a chat";
const MANAGED = `${USER}: managed bots (bots created by other bots) are not emulated`;
const USER_VERIFICATION =
  `${USER}: only a verification organisation's bot may verify, and the badge has no effect a bot can observe`;
const CHAT_VERIFICATION =
  "Telegram accepts it only from a verification organisation's bot, which the emulator does not script; the badge has no effect a bot can observe";
const WEB_APP =
  "takes a query id only a Mini App issues, not a chat; Mini Apps do not run in the emulator, so unknown ids are refused";

/**
 * Why each method the emulator answers with its generic handler is not modelled. The generic handler still
 * checks parameters against the spec, refuses chats, users, messages, queries, payments and business
 * connections that do not exist, and answers a well-formed value of the return type.
 */
export const GENERIC_REASONS: Readonly<Record<string, string>> = {
  getUserProfileAudios: `${USER}: profile audio is not part of the emulated accounts`,
  setUserEmojiStatus: `${USER}: an emoji status needs the user's consent given in a Mini App`,
  answerChatJoinRequestQuery: WEB_APP,
  sendChatJoinRequestWebApp: WEB_APP,
  answerWebAppQuery: WEB_APP,
  answerGuestQuery: "takes a guest query id, not a chat: guest queries come from chats the bot is not in",
  getUserPersonalChatMessages: `${USER}: personal channels of users are not emulated`,
  getManagedBotToken: MANAGED,
  replaceManagedBotToken: MANAGED,
  getManagedBotAccessSettings: MANAGED,
  setManagedBotAccessSettings: MANAGED,
  verifyUser: USER_VERIFICATION,
  verifyChat: CHAT_VERIFICATION,
  removeUserVerification: USER_VERIFICATION,
  removeChatVerification: CHAT_VERIFICATION,
  savePreparedInlineMessage:
    `${USER}: prepared messages are used from Mini Apps, which do not run in the emulator`,
  savePreparedKeyboardButton:
    `${USER}: prepared buttons are used from Mini Apps, which do not run in the emulator`,
  editUserStarSubscription:
    `${USER}: Star subscriptions are charged monthly by Telegram, which the emulator does not do`,
  setPassportDataErrors: `${USER}: Telegram Passport data is never shared with bots in the emulator`,
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
