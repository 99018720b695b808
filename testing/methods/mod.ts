/**
 * The emulator's method handlers, one table per family; methods without a table entry are answered by
 * {@link genericHandler} from the spec table.
 *
 * @module
 */
export type { FieldSpec, MethodSpec, ParamSpec, TypeSpec } from "../../api/spec.gen.ts";
export { BUSINESS_METHODS, checkingBusiness } from "./business.ts";
export { chatMethods } from "./chat.ts";
export { CORE_METHODS } from "./core.ts";
export { EDIT_METHODS } from "./edit.ts";
export { EPHEMERAL_METHODS, ephemeralSending, ephemeralView } from "./ephemeral.ts";
export { FORUM_METHODS } from "./forum.ts";
export { FORWARD_METHODS } from "./forward.ts";
export { genericHandler, SETTINGS_METHODS } from "./generic.ts";
export { INVITE_METHODS } from "./invites.ts";
export { LOOKS_METHODS } from "./looks.ts";
export { MEDIA_METHODS } from "./media.ts";
export { modelledMethods, SENDING_METHODS } from "./modelled.ts";
export { QUERY_METHODS } from "./queries.ts";
export { SEND_METHODS } from "./send.ts";
export { STAR_METHODS } from "./stars.ts";
export { STICKER_METHODS } from "./stickers.ts";
