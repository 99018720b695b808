import type { MethodSpec, TypeSpec } from "../api/spec.gen.ts";
import { badRequest } from "./failure.ts";
import { readNestedAny } from "./lenient_json.ts";
import type { CallInput } from "./params.ts";
import type { Obj } from "./types.ts";
import { LEGACY_PARAMS } from "./validate.ts";

/** Something the real server accepts but a strict emulator refuses, reported on the warning channel. */
export interface EmulatorWarning {
  /** Method called. */
  readonly method: string;
  /** Parameter concerned. */
  readonly parameter: string;
  /** What was accepted and how it was read. */
  readonly message: string;
}

/** Receives warnings. */
export type WarningSink = (warning: EmulatorWarning) => void;

type Rewrite = (
  params: Obj,
  warn: (parameter: string, message: string) => void,
  files: ReadonlyMap<string, File>,
) => void;

/** The real server's to_bool (Client.cpp `Client::to_bool`): trimmed, lower-cased `true`, `yes` or `1`. */
export function looseBool(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  return ["true", "yes", "1"].includes(String(value).trim().toLowerCase());
}

/**
 * The real server's `td::to_integer`: an optional minus and the leading digits; whatever follows is
 * ignored and no digits at all read as 0 (`"1796119999.123"` is 1796119999, `"abc"` is 0).
 */
export function looseInt(value: unknown): number {
  const text = typeof value === "number" ? String(Math.trunc(value)) : String(value);
  const match = /^-?\d+/.exec(text);
  return match === null ? 0 : Number(match[0]);
}

function strictInt(value: unknown): boolean {
  if (typeof value === "number") return Number.isInteger(value);
  return typeof value === "string" && value.trim() !== "" && Number.isInteger(Number(value));
}

const STRICT_BOOLS: ReadonlySet<unknown> = new Set([
  true,
  false,
  "true",
  "false",
  "True",
  "False",
  1,
  0,
  "1",
  "0",
]);

/** Splits an `emojis` string of the legacy sticker methods into one emoji per item. */
function emojiList(emojis: unknown): string[] {
  const segmenter = new Intl.Segmenter();
  return [...segmenter.segment(String(emojis ?? ""))].map((s) => s.segment).filter((s) => s.trim() !== "");
}

/** `png_sticker`/`tgs_sticker`/`webm_sticker` plus `emojis` (Client.cpp `get_legacy_input_sticker`). */
function legacySticker(params: Obj, files: ReadonlyMap<string, File>): Obj | undefined {
  const formats: [string, string][] = [["png_sticker", "static"], ["tgs_sticker", "animated"], [
    "webm_sticker",
    "video",
  ]];
  for (const [name, format] of formats) {
    const file = params[name] ?? (files.has(name) ? `attach://${name}` : undefined);
    if (file === undefined) continue;
    const sticker: Obj = { sticker: file, format, emoji_list: emojiList(params.emojis) };
    if (params.mask_position !== undefined) sticker.mask_position = params.mask_position;
    for (const key of ["png_sticker", "tgs_sticker", "webm_sticker", "emojis", "mask_position"]) {
      delete params[key];
    }
    return sticker;
  }
  return undefined;
}

function parsed(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Fills the `format` an InputSticker may leave out when the method has a default (Client.cpp `get_input_sticker`). */
function withFormat(sticker: unknown, format: string): unknown {
  const value = parsed(sticker);
  if (value === null || typeof value !== "object" || Array.isArray(value)) return sticker;
  const obj = value as Obj;
  return obj.format === undefined || obj.format === "" ? { ...obj, format } : obj;
}

/**
 * Legacy forms the real server still reads, per method, rewritten into today's parameters. Each names the
 * Client.cpp function that reads the old form.
 */
const REWRITES: Readonly<Record<string, Rewrite>> = {
  // process_send_poll_query: `correct_option_id` when `correct_option_ids` is absent; get_input_poll_options
  // reads plain strings as options.
  sendPoll(params, warn) {
    if (params.correct_option_id !== undefined && params.correct_option_ids === undefined) {
      params.correct_option_ids = [looseInt(params.correct_option_id)];
      delete params.correct_option_id;
      warn("correct_option_id", "legacy correct_option_id read as correct_option_ids");
    }
    const options = parsed(params.options);
    if (Array.isArray(options) && options.some((o) => typeof o === "string")) {
      params.options = options.map((o) => typeof o === "string" ? { text: o } : o);
      warn("options", "plain string poll options read as InputPollOption");
    }
  },
  createNewStickerSet(params, warn, files) {
    const sticker = legacySticker(params, files);
    if (sticker !== undefined && params.stickers === undefined) {
      params.stickers = [sticker];
      warn("stickers", "legacy png_sticker/tgs_sticker/webm_sticker + emojis read as stickers");
    }
    const format = params.sticker_format;
    delete params.sticker_format;
    const stickers = parsed(params.stickers);
    if (typeof format === "string" && Array.isArray(stickers)) {
      params.stickers = stickers.map((s) => withFormat(s, format));
      warn("sticker_format", "legacy sticker_format used as the stickers' default format");
    }
  },
  addStickerToSet(params, warn, files) {
    const sticker = legacySticker(params, files);
    if (sticker !== undefined && params.sticker === undefined) {
      params.sticker = sticker;
      warn("sticker", "legacy png_sticker/tgs_sticker/webm_sticker + emojis read as sticker");
    } else if (params.sticker !== undefined) {
      const filled = withFormat(params.sticker, "auto");
      if (filled !== params.sticker && (filled as Obj).format === "auto") {
        params.sticker = filled;
        warn("sticker", "InputSticker without format read with format \"auto\"");
      }
    }
  },
  // process_upload_sticker_file_query: without `sticker`, the file is `png_sticker` in the static format.
  uploadStickerFile(params, warn, files) {
    if (params.sticker !== undefined || files.has("sticker")) return;
    const png = params.png_sticker ?? (files.has("png_sticker") ? "attach://png_sticker" : undefined);
    if (png === undefined) return;
    params.sticker = png;
    params.sticker_format ??= "static";
    delete params.png_sticker;
    warn("png_sticker", "legacy png_sticker read as sticker in the static format");
  },
  // process_set_sticker_set_thumbnail_query: `thumb` for `thumbnail`, an empty `format` is "auto".
  setStickerSetThumbnail(params, warn, files) {
    const thumb = params.thumb ?? (files.has("thumb") ? "attach://thumb" : undefined);
    if (params.thumbnail === undefined && !files.has("thumbnail") && thumb !== undefined) {
      params.thumbnail = thumb;
      delete params.thumb;
      warn("thumb", "legacy thumb read as thumbnail");
    }
    if (params.format === undefined || params.format === "") {
      params.format = "auto";
      warn("format", "missing format filled with \"auto\"");
    }
  },
};

/**
 * What the server answers when a required parameter is missing or empty, where it is not the validator's
 * generic text: Client.cpp get_user_id ("Invalid user_id specified"), get_message_ids, process_get_file_query,
 * get_location, process_set_chat_sticker_set_query, and the query answers (td's QUERY_ID_INVALID).
 */
const MISSING_TEXTS: Readonly<Record<string, string>> = {
  user_id: "invalid user_id specified",
  message_ids: "message identifiers are not specified",
  file_id: "file_id not specified",
  latitude: "latitude is empty",
  longitude: "longitude is empty",
  sticker_set_name: "sticker_set_name is empty",
  sender_chat_id: "sender_chat_id is empty",
  callback_query_id: "query is too old and response timeout expired or query ID is invalid",
  inline_query_id: "query is too old and response timeout expired or query ID is invalid",
  shipping_query_id: "query is too old and response timeout expired or query ID is invalid",
  pre_checkout_query_id: "query is too old and response timeout expired or query ID is invalid",
};

/** Whether a type expression names an object type or an array of them (not a primitive, not InputFile). */
function isStructured(types: Readonly<Record<string, TypeSpec>>, type: string): boolean {
  const base = type.replace(/^(Array of )+/, "");
  return types[base] !== undefined;
}

/** Every required Boolean field of a type, for partial objects the server completes with false. */
function requiredBooleans(type: TypeSpec | undefined): string[] {
  if (type === undefined) return [];
  return type.fields.filter((f) => f.required && f.types.length === 1 && f.types[0] === "Boolean").map((f) =>
    f.name
  );
}

interface MethodFacts {
  readonly known: ReadonlySet<string>;
  readonly ints: readonly string[];
  readonly bools: readonly string[];
  readonly trues: ReadonlySet<string>;
  /** The required file of a send method, whose absence the server names ("there is no photo in the request"). */
  readonly upload?: string;
  /** Required parameters in spec order. */
  readonly required: readonly string[];
  /** Parameters of one object (or array) type, whose nested fields td reads leniently. */
  readonly nested: readonly [string, readonly string[]][];
  /** Parameters of an object type whose missing Boolean fields the server reads as false. */
  readonly partial: readonly [string, readonly string[]][];
}

/**
 * Reads a call the way the real Bot API server does before the spec check runs, so the emulator is no
 * stricter than Telegram: unknown parameters are ignored, integers and booleans are parsed leniently,
 * defaults are filled and legacy forms are rewritten. Each leniency is reported on the warning channel. In
 * `strict` mode only what the real server does for every client stays: an empty string parameter never hides
 * an uploaded file of the same name (Client.cpp `get_input_file` uses the string only when it is non-empty).
 */
export class CallReader {
  #facts = new Map<string, MethodFacts>();

  /**
   * Compiles the per-method facts.
   * @param methods METHODS of the spec table.
   * @param types TYPES of the spec table.
   * @param strict whether to keep the emulator's strict checks (no leniency, no warnings).
   * @param warn the warning channel.
   */
  constructor(
    methods: Readonly<Record<string, MethodSpec>>,
    readonly types: Readonly<Record<string, TypeSpec>>,
    readonly strict: boolean,
    readonly warn: WarningSink,
  ) {
    for (const [name, spec] of Object.entries(methods)) {
      const only = (type: string) => spec.params.filter((p) => p.types.length === 1 && p.types[0] === type);
      this.#facts.set(name, {
        known: new Set(spec.params.map((p) => p.name)),
        ints: only("Integer").map((p) => p.name),
        bools: [...only("Boolean"), ...only("True")].map((p) => p.name),
        trues: new Set(only("True").map((p) => p.name)),
        required: spec.params.filter((p) => p.required).map((p) => p.name),
        upload: name.startsWith("send")
          ? spec.params.find((p) => p.required && p.types.includes("InputFile"))?.name
          : undefined,
        nested: spec.params.filter((p) => p.types.every((t) => isStructured(types, t)))
          .map((p) => [p.name, p.types]),
        partial: spec.params.filter((p) =>
          p.types.length === 1 && requiredBooleans(types[p.types[0]]).length > 0
        )
          .map((p) => [p.name, requiredBooleans(types[p.types[0]])]),
      });
    }
  }

  /**
   * Rewrites a call in place; runs before the spec validator. Answers false for a call the spec check must
   * not see: `setWebhook` with an empty `url` (required by the spec), which the server reads as removing the
   * webhook (Client.cpp do_set_webhook).
   */
  prepare(method: string, input: CallInput): boolean {
    const facts = this.#facts.get(method);
    if (facts === undefined) return true;
    const params = input.params;
    if (method === "setWebhook" && (params.url ?? "") === "") return false;
    for (const name of input.files.keys()) if (params[name] === "") delete params[name];
    const upload = facts.upload;
    if (upload !== undefined && (params[upload] ?? "") === "" && !input.files.has(upload)) {
      // process_send_photo_query and its siblings check the file before anything else.
      throw badRequest(`there is no ${upload.replace("_", " ")} in the request`);
    }
    const missing = facts.required.find((name) => (params[name] ?? "") === "" && !input.files.has(name));
    if (missing !== undefined && MISSING_TEXTS[missing] !== undefined) {
      throw badRequest(MISSING_TEXTS[missing]);
    }
    if (this.strict) return true;
    const warn = (parameter: string, message: string) => this.warn({ method, parameter, message });
    REWRITES[method]?.(params, warn, input.files);
    const thumb = params.thumb ?? (input.files.has("thumb") ? "attach://thumb" : undefined);
    if (thumb !== undefined && params.thumbnail === undefined && facts.known.has("thumbnail")) {
      // get_input_thumbnail reads `thumb` when there is no `thumbnail`.
      params.thumbnail = thumb;
      delete params.thumb;
      warn("thumb", "legacy thumb read as thumbnail");
    }
    for (const key of Object.keys(params)) {
      if (facts.known.has(key) || Object.hasOwn(LEGACY_PARAMS, key)) continue;
      delete params[key];
      warn(key, "unknown parameter ignored");
    }
    for (const name of [...facts.ints, ...facts.bools]) {
      // An empty value is an absent one to the server (`get_integer_arg` takes the default, to_bool is false).
      if (params[name] === "") delete params[name];
    }
    for (const name of facts.ints) {
      const value = params[name];
      if (value === undefined || value === null || strictInt(value)) continue;
      params[name] = looseInt(value);
      warn(name, `${JSON.stringify(value)} read as the integer ${params[name]}`);
    }
    for (const name of facts.bools) {
      const value = params[name];
      if (value === undefined || value === null || STRICT_BOOLS.has(value)) continue;
      const read = looseBool(value);
      if (read || !facts.trues.has(name)) params[name] = read;
      else delete params[name];
      warn(name, `${JSON.stringify(value)} read as ${read}`);
    }
    for (const [name, type] of facts.nested) {
      const value = parsed(params[name]);
      if (value === null || typeof value !== "object") continue;
      params[name] = readNestedAny(this.types, type, value, name, warn);
    }
    for (const [name, fields] of facts.partial) {
      const value = parsed(params[name]);
      if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
      const missing = fields.filter((f) => (value as Obj)[f] === undefined);
      if (missing.length === 0) continue;
      const filled: Obj = { ...value as Obj };
      for (const f of missing) filled[f] = false;
      params[name] = filled;
      warn(name, `missing ${missing.join(", ")} read as false`);
    }
    return true;
  }
}
