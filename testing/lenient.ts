import type { MethodSpec, TypeSpec } from "../api/spec.gen.ts";
import { badRequest } from "./failure.ts";
import { LEGACY_FORMS, parsed } from "./legacy_forms.ts";
import { readNestedAny } from "./lenient_json.ts";
import { looseBool, looseInt } from "./loose_values.ts";
import { mediaGroupRefusal } from "./media_group.ts";
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
  /** TYPES of the spec table. */
  readonly types: Readonly<Record<string, TypeSpec>>;
  /** Whether the emulator keeps its strict checks (no leniency, no warnings). */
  readonly strict: boolean;
  /** The warning channel. */
  readonly warn: WarningSink;

  /**
   * Compiles the per-method facts.
   * @param methods METHODS of the spec table.
   * @param types TYPES of the spec table.
   * @param strict whether to keep the emulator's strict checks (no leniency, no warnings).
   * @param warn the warning channel.
   */
  constructor(
    methods: Readonly<Record<string, MethodSpec>>,
    types: Readonly<Record<string, TypeSpec>>,
    strict: boolean,
    warn: WarningSink,
  ) {
    this.types = types;
    this.strict = strict;
    this.warn = warn;
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
    if (method === "sendMediaGroup" && params.media !== undefined) {
      // Client.cpp reads the album's items with its own words before any type check of the spec's
      // (get_required_string_arg counts an empty `media` as none).
      if (params.media === "") throw badRequest(`parameter "media" is required`);
      const refusal = mediaGroupRefusal(params.media, input.files);
      if (refusal !== null) throw badRequest(refusal);
    }
    if (this.strict) return true;
    const warn = (parameter: string, message: string) => this.warn({ method, parameter, message });
    LEGACY_FORMS[method]?.(params, warn, input.files);
    const thumb = params.thumb ?? (input.files.has("thumb") ? "attach://thumb" : undefined);
    if (thumb !== undefined && params.thumbnail === undefined && facts.known.has("thumbnail")) {
      // get_input_thumbnail reads `thumb` when there is no `thumbnail`.
      params.thumbnail = thumb;
      delete params.thumb;
      warn("thumb", "legacy thumb read as thumbnail");
    }
    for (const key of Object.keys(params)) {
      if (facts.known.has(key) || LEGACY_PARAMS.has(key)) continue;
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
