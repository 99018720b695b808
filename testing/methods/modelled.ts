import type { TypeSpec } from "../../api/spec.gen.ts";
import type { Handler } from "../context.ts";
import { BUSINESS_METHODS } from "./business.ts";
import { businessAccountMethods } from "./business_account.ts";
import { chatMethods } from "./chat.ts";
import { CHECKLIST_METHODS } from "./checklists.ts";
import { CORE_METHODS } from "./core.ts";
import { EDIT_METHODS } from "./edit.ts";
import { FORUM_METHODS } from "./forum.ts";
import { FORWARD_METHODS } from "./forward.ts";
import { SETTINGS_METHODS } from "./generic.ts";
import { INVITE_METHODS } from "./invites.ts";
import { LOOKS_METHODS } from "./looks.ts";
import { MEDIA_METHODS } from "./media.ts";
import { MEMBER_METHODS } from "./members.ts";
import { QUERY_METHODS } from "./queries.ts";
import { SEND_METHODS } from "./send.ts";
import { STAR_METHODS } from "./stars.ts";
import { STICKER_METHODS } from "./stickers.ts";
import { STORY_METHODS } from "./stories.ts";

/** Methods that post a message into a chat (what flood control counts). */
export const SENDING_METHODS: Readonly<Record<string, Handler>> = {
  ...SEND_METHODS,
  ...MEDIA_METHODS,
  ...FORWARD_METHODS,
};

/**
 * Every method the emulator models with state and preconditions, by name (telepot's retired names such as
 * `kickChatMember` included); the others are answered by the generic handler.
 */
export function modelledMethods(types: Readonly<Record<string, TypeSpec>>): Record<string, Handler> {
  return {
    ...CORE_METHODS,
    ...SENDING_METHODS,
    ...EDIT_METHODS,
    ...chatMethods(types),
    ...QUERY_METHODS,
    ...SETTINGS_METHODS,
    ...STICKER_METHODS,
    ...FORUM_METHODS,
    ...INVITE_METHODS,
    ...LOOKS_METHODS,
    ...STAR_METHODS,
    ...BUSINESS_METHODS,
    ...MEMBER_METHODS,
    ...CHECKLIST_METHODS,
    ...STORY_METHODS,
    ...businessAccountMethods(types),
  };
}
