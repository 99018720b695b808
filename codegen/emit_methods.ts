/** Spec table → `api/methods.gen.ts`: one typed wrapper per method over an abstract `call`. */
import {
  editorMethods,
  emptyStringDefaults,
  EPHEMERAL_IDENTIFIER_PARAMS,
  MESSAGE_IDENTIFIER_PARAMS,
  positionalOptionals,
  targetsEphemeral,
  wrapperName,
} from "./classify.ts";
import { camelCase, generatedHeader, jsdoc } from "./emit_ts.ts";
import type { SpecMethod, SpecTable } from "./spec_table.ts";

const PREAMBLE = `import type { operations } from "./openapi.gen.ts";
import type { CallOptions } from "./call_options.ts";
import { optionsArgument, stringArgument } from "./call_arguments.ts";
import {
  chatMsgIdentifierParams,
  type ChatMsgIdentifier,
  type ChatOrInlineMsgIdentifier,
  ephemeralIdentifierParams,
  type EphemeralMsgIdentifier,
  msgIdentifierParams,
} from "./msg_identifier.ts";
import type { Nullable } from "./nullable.ts";

/** Name of a Bot API method known to this version of the library. */
export type MethodName = keyof operations;

/** Request body of a method, as the OpenAPI document types it. */
export type MethodBody<M extends MethodName> = NonNullable<operations[M]["requestBody"]>;

/** Parameters of a method by their Bot API names. */
export type MethodParams<M extends MethodName> = [MethodBody<M>] extends [never] ? Record<string, never>
  : MethodBody<M>["content"]["application/json"];

/** What a method returns on success. */
export type MethodResult<M extends MethodName> =
  operations[M]["responses"][200]["content"]["application/json"]["result"];

/**
 * Every Bot API method as a typed wrapper: required parameters positional in the spec's order,
 * optional ones in a trailing options object with the Bot API's snake_case keys (an optional field
 * may be \`null\`, meaning absent, so namedtuple objects pass as they are). Methods that target
 * an existing message take a message identifier (telepot's \`MsgIdentifier\`) in place of chat_id /
 * message_id / inline_message_id (an ephemeral message: chat_id / receiver_user_id /
 * ephemeral_message_id), typed as the forms the method accepts: {@link ChatOrInlineMsgIdentifier},
 * {@link ChatMsgIdentifier} where there is no inline form, {@link EphemeralMsgIdentifier} for the
 * \`…Ephemeral…\` methods. An edit's \`text\` is positional too, as in telepot. A non-object options argument, or an object where a positional
 * string belongs, is a \`BadInput\` before anything is sent. Every wrapper takes a last
 * {@link CallOptions} (\`signal\`, \`timeout\`) for that one call.
 */
export abstract class ApiMethods {
  /**
   * Calls a Bot API method by name with its parameters; the transport decides JSON or multipart.
   * Use it for methods newer than this library.
   */
  abstract call<T = unknown>(method: string, params?: Record<string, unknown>, options?: CallOptions): Promise<T>;
`;

interface Positional {
  /** camelCase argument name. */
  arg: string;
  /** How the argument becomes parameters in the call body. */
  spread: string;
  /** Its TypeScript type. */
  type: string;
  /** Whether the argument may be left out. */
  optional?: boolean;
  /** Bot API parameter names it covers. */
  covers: string[];
}

/** camelCase name of a positional argument; never `options`, which names the trailing object. */
function argumentName(m: SpecMethod, param: string): string {
  const arg = camelCase(param);
  if (arg !== "options") return arg;
  const noun = m.name.replace(/^[a-z]+/, "");
  return noun.charAt(0).toLowerCase() + noun.slice(1) + "Options";
}

/** The parameters a method's message identifier covers, if it takes one. */
function identifierParams(m: SpecMethod, takesIdentifier: boolean): Set<string> {
  if (!takesIdentifier) return new Set();
  return new Set(targetsEphemeral(m) ? EPHEMERAL_IDENTIFIER_PARAMS : MESSAGE_IDENTIFIER_PARAMS);
}

function positionals(m: SpecMethod, takesIdentifier: boolean): Positional[] {
  const out: Positional[] = [];
  const identifier = identifierParams(m, takesIdentifier);
  // A method of chat messages only (deleteMessage, stopPoll) has no inline_message_id: its identifier
  // is [chatId, messageId] alone, so that an inline message's id is a type error, not a bad request.
  const chatOnly = !targetsEphemeral(m) && !m.params.some((p) => p.name === "inline_message_id");
  const expand = targetsEphemeral(m)
    ? "ephemeralIdentifierParams"
    : chatOnly
    ? "chatMsgIdentifierParams"
    : "msgIdentifierParams";
  const alsoPositional = new Set(positionalOptionals(m));
  const emptyDefault = new Set(emptyStringDefaults(m));
  let identifierPlaced = false;
  for (const p of m.params) {
    if (identifier.has(p.name)) {
      if (!identifierPlaced) {
        identifierPlaced = true;
        out.push({
          arg: "msgIdentifier",
          spread: `...${expand}(msgIdentifier)`,
          type: targetsEphemeral(m)
            ? "EphemeralMsgIdentifier"
            : chatOnly
            ? "ChatMsgIdentifier"
            : "ChatOrInlineMsgIdentifier",
          covers: m.params.filter((q) => identifier.has(q.name)).map((q) => q.name),
        });
      }
      continue;
    }
    if (!p.required && !alsoPositional.has(p.name)) continue;
    const arg = argumentName(m, p.name);
    const checked = p.types.length === 1 && p.types[0] === "String"
      ? `stringArgument("${m.name}", "${arg}", ${arg})${emptyDefault.has(p.name) ? ` ?? ""` : ""}`
      : arg;
    out.push({
      arg,
      spread: checked === p.name ? p.name : `${p.name}: ${checked}`,
      // A positional the Bot API does not require may be null: absent (an edit's text given by rich_message).
      type: `Nullable<MethodParams<"${m.name}">["${p.name}"]>${
        p.required && !emptyDefault.has(p.name) ? "" : " | null"
      }`,
      covers: [p.name],
      optional: emptyDefault.has(p.name),
    });
  }
  return out;
}

function wrapper(table: SpecTable, m: SpecMethod, takesIdentifier: boolean): string {
  const pos = positionals(m, takesIdentifier);
  const covered = pos.flatMap((p) => p.covers);
  const hasOptions = m.params.some((p) => !covered.includes(p.name));
  const args = pos.map((p) => `${p.arg}${p.optional ? "?" : ""}: ${p.type}`);
  const omitted = covered.map((c) => JSON.stringify(c)).join(" | ");
  if (hasOptions) {
    const params = covered.length
      ? `Omit<MethodParams<"${m.name}">, ${omitted}>`
      : `MethodParams<"${m.name}">`;
    args.push(`options?: Nullable<${params}>`);
  }
  args.push("callOptions?: CallOptions");
  const body = [
    ...(hasOptions ? [`...optionsArgument("${m.name}", options)`] : []),
    ...pos.map((p) => p.spread),
  ];
  const doc = [`Calls [${m.name}](${table.documentation}${m.link}).`];
  if (wrapperName(m.name) !== m.name) {
    doc.push(
      "",
      `Named \`${
        wrapperName(m.name)
      }\` rather than \`${m.name}\`: it is the Bot API method, not a way to stop the bot.`,
    );
  }
  if (takesIdentifier) {
    doc.push(
      "",
      targetsEphemeral(m)
        ? "@param msgIdentifier `[chatId, receiverUserId, ephemeralMessageId]` of an ephemeral message"
        : "@param msgIdentifier `[chatId, messageId]`, `[inlineMessageId]` or an inlineMessageId string",
    );
  }
  return jsdoc(doc, "  ")
    + `  ${wrapperName(m.name)}(${args.join(", ")}): Promise<MethodResult<"${m.name}">> {\n`
    + `    return this.call("${m.name}", ${
      body.length ? `{ ${body.join(", ")} }` : "{}"
    }, callOptions);\n  }\n`;
}

/**
 * For every method that takes a chat or a message identifier: the index of that argument among the
 * wrapper's positional arguments (what the Sender/Administrator/Editor proxies fill in).
 */
export function targetPositions(table: SpecTable): Record<string, number> {
  const editors = new Set(editorMethods(table));
  const out: Record<string, number> = {};
  for (const m of table.methods) {
    const at = positionals(m, editors.has(m.name)).findIndex((p) =>
      p.covers.some((c) => MESSAGE_IDENTIFIER_PARAMS.includes(c))
    );
    if (at >= 0) out[m.name] = at;
  }
  return out;
}

/** The generated `ApiMethods` class. */
export function emitMethods(table: SpecTable): string {
  const editors = new Set(editorMethods(table));
  return generatedHeader(table) + PREAMBLE
    + table.methods.map((m) => "\n" + wrapper(table, m, editors.has(m.name))).join("") + "}\n";
}
