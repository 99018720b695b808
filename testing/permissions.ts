import { TYPES } from "../api/spec.gen.ts";
import type { Obj } from "./types.ts";
import type { ChatState } from "./world.ts";

/** Every field of ChatPermissions, from the spec (a new Bot API version's permission appears here too). */
const PERMISSION_FIELDS: readonly string[] = TYPES.ChatPermissions.fields.map((field) => field.name);

/** The per-kind media permissions, which the legacy `can_send_media_messages` sets together. */
const MEDIA_PERMISSIONS: readonly string[] = [
  "can_send_audios",
  "can_send_documents",
  "can_send_photos",
  "can_send_videos",
  "can_send_video_notes",
  "can_send_voice_notes",
];

/**
 * A complete ChatPermissions from what a bot passed, read as the real server reads it
 * (telegram-bot-api's get_chat_permissions): an omitted permission is false, except that
 * `can_manage_topics` and `can_edit_tag` follow `can_pin_messages`; without any per-kind media field, the
 * legacy `can_send_media_messages` sets them all (and `can_send_messages`, unless `independent`), and then
 * an omitted `can_react_to_messages` follows `can_send_messages`.
 * Unless `independent` (`use_independent_chat_permissions`), `can_send_other_messages` and
 * `can_add_web_page_previews` imply the media permissions and `can_send_messages`, as do media and polls.
 */
export function readPermissions(given: Obj, independent: boolean): Obj {
  const has = (name: string) => given[name] !== undefined;
  const flag = (name: string) => given[name] === true;
  const out: Obj = Object.fromEntries(PERMISSION_FIELDS.map((name) => [name, flag(name)]));
  if (!has("can_manage_topics")) out.can_manage_topics = out.can_pin_messages;
  if (!has("can_edit_tag")) out.can_edit_tag = out.can_pin_messages;
  if (!MEDIA_PERMISSIONS.some(has)) {
    const media = flag("can_send_media_messages");
    for (const name of MEDIA_PERMISSIONS) out[name] = media;
    if (media && !independent) out.can_send_messages = true;
  }
  // After the legacy media flag, which may grant can_send_messages, and before the implications below,
  // which do not reach it: the server's order (get_chat_permissions).
  if (!has("can_react_to_messages")) out.can_react_to_messages = out.can_send_messages;
  if (!independent) {
    if (out.can_send_other_messages === true || out.can_add_web_page_previews === true) {
      for (const name of MEDIA_PERMISSIONS) out[name] = true;
      out.can_send_messages = true;
    }
    if (out.can_send_polls === true) out.can_send_messages = true;
  }
  return out;
}

/** Whether permissions grant everything, which lifts a restriction (the member becomes a plain member). */
export function grantsAll(permissions: Obj): boolean {
  return PERMISSION_FIELDS.every((name) => permissions[name] === true);
}

/**
 * Which permission a message needs, by what it carries (as the Bot API's ChatPermissions describes them):
 * each media kind its own, polls and checklists `can_send_polls`, animations, games, stickers, dice and
 * messages sent via an inline bot `can_send_other_messages`, anything else (text, contacts, locations,
 * venues, invoices) `can_send_messages`.
 */
export function permissionFor(content: Obj): string {
  // An animation message also carries `document`, and a via_bot message any content: check them first.
  if (content.via_bot !== undefined) return "can_send_other_messages";
  for (const field of ["animation", "game", "sticker", "dice"]) {
    if (content[field] !== undefined) return "can_send_other_messages";
  }
  const byField: Readonly<Record<string, string>> = {
    audio: "can_send_audios",
    document: "can_send_documents",
    photo: "can_send_photos",
    video: "can_send_videos",
    video_note: "can_send_video_notes",
    voice: "can_send_voice_notes",
    poll: "can_send_polls",
    checklist: "can_send_polls",
  };
  for (const [field, permission] of Object.entries(byField)) {
    if (content[field] !== undefined) return permission;
  }
  return "can_send_messages";
}

/**
 * The permission a member of a group lacks to post `content`, or undefined when they may. Owners and
 * administrators may post anything; a restricted member is bound by their own permissions and the
 * chat's default ones (set by setChatPermissions), a plain member by the chat's default ones. `member`
 * is their current record (`World.member`: a restriction past its until_date is already lifted).
 */
export function missingPermission(
  state: ChatState,
  member: Obj | undefined,
  content: Obj,
): string | undefined {
  return missingRight(state, member, permissionFor(content));
}

/**
 * Whether a member of a group lacks the permission `needed` (returned then), by the rules of
 * {@link missingPermission}: owners and administrators lack none.
 */
export function missingRight(state: ChatState, member: Obj | undefined, needed: string): string | undefined {
  if (member === undefined || member.status === "creator" || member.status === "administrator") {
    return undefined;
  }
  if (member.status === "restricted" && member[needed] === false) return needed;
  const defaults = state.info.permissions as Obj | undefined;
  if (defaults !== undefined && defaults[needed] === false) return needed;
  return undefined;
}
