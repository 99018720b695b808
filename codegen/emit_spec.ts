/** Spec table → `api/spec.gen.ts` (runtime facts) and `api/classification.gen.ts`. */
import {
  administratorMethods,
  editorMethods,
  emptyStringDefaults,
  fileMethods,
  messageContentTypes,
  messageSenderMethods,
  renamedWrappers,
  senderMethods,
  updateKinds,
} from "./classify.ts";
import { targetPositions } from "./emit_methods.ts";
import { generatedHeader, jsdoc, literal } from "./emit_ts.ts";
import type { SpecTable } from "./spec_table.ts";

const SPEC_INTERFACES = `/** A method parameter. */
export interface ParamSpec {
  /** Bot API name, snake_case. */
  readonly name: string;
  /** Type expressions ("Integer", "Array of Message"); several for a union. */
  readonly types: readonly string[];
  /** Whether the parameter must be given. */
  readonly required: boolean;
  /** The fixed value of the parameter, when the spec fixes one. */
  readonly const?: string;
  /** The values the parameter may take, when the spec lists them. */
  readonly enum?: readonly (string | number)[];
}

/** A Bot API method. */
export interface MethodSpec {
  /** Method name. */
  readonly name: string;
  /** Address of its documentation. */
  readonly link: string;
  /** Parameters in documentation order. */
  readonly params: readonly ParamSpec[];
  /** Return type expressions. */
  readonly returns: readonly string[];
}

/** A field of an object type. */
export interface FieldSpec {
  /** Bot API name, snake_case. */
  readonly name: string;
  /** Type expressions; several for a union. */
  readonly types: readonly string[];
  /** Whether the field is always present. */
  readonly required: boolean;
  /** The fixed value of a discriminator field. */
  readonly const?: string;
  /** The values the field may take, when the spec lists them. */
  readonly enum?: readonly (string | number)[];
}

/** A Bot API object type. */
export interface TypeSpec {
  /** Type name. */
  readonly name: string;
  /** Address of its documentation. */
  readonly link: string;
  /** Fields in documentation order (empty for a union). */
  readonly fields: readonly FieldSpec[];
  /** Member types of a union. */
  readonly subtypes: readonly string[];
}
`;

/** Runtime spec facts: version, methods and types. */
export function emitSpec(table: SpecTable): string {
  const methods = Object.fromEntries(
    table.methods.map((m) => [m.name, { ...m, link: table.documentation + m.link }]),
  );
  const types = Object.fromEntries(
    table.types.map((t) => [t.name, { ...t, link: table.documentation + t.link }]),
  );
  return generatedHeader(table) + "\n" + SPEC_INTERFACES + "\n"
    + jsdoc(["The Bot API version this module describes."])
    + `export const BOT_API_VERSION = ${JSON.stringify(table.version)};\n\n`
    + jsdoc(["Every Bot API method, by name."])
    + `export const METHODS: Readonly<Record<string, MethodSpec>> = ${literal(methods)};\n\n`
    + jsdoc(["Every Bot API object type, by name."])
    + `export const TYPES: Readonly<Record<string, TypeSpec>> = ${literal(types)};\n`;
}

/** Classification tables with their union types. */
export function emitClassification(table: SpecTable): string {
  const lists: [string, string, string[], string][] = [
    [
      "SENDER_METHODS",
      "SenderMethod",
      senderMethods(table),
      "Methods that send to the chat given as chat_id (the `Sender` proxy).",
    ],
    [
      "MESSAGE_SENDER_METHODS",
      "MessageSenderMethod",
      messageSenderMethods(table),
      "Sender methods that post a message (what Telegram's flood limits count, and the throttler queues).",
    ],
    [
      "ADMINISTRATOR_METHODS",
      "AdministratorMethod",
      administratorMethods(table),
      "Other methods with a required chat_id: they administer or inspect a chat (the `Administrator` proxy).",
    ],
    [
      "EDITOR_METHODS",
      "EditorMethod",
      editorMethods(table),
      "Methods that target an existing message through a `MsgIdentifier` (the `Editor` proxy).",
    ],
    [
      "FILE_METHODS",
      "FileMethod",
      fileMethods(table),
      "Methods that accept an uploaded file in some parameter.",
    ],
    [
      "MESSAGE_CONTENT_TYPES",
      "ContentType",
      messageContentTypes(table),
      "Content fields of `Message`, in documentation order (what `glance` reports).",
    ],
    [
      "UPDATE_KINDS",
      "UpdateKind",
      updateKinds(table),
      "Kinds of `Update`: every field but update_id, in documentation order.",
    ],
  ];
  let out = generatedHeader(table) + "\n";
  out += jsdoc([
    "For each method whose wrapper takes a chat id or a `MsgIdentifier` positionally: that argument's index",
    "(what the `Sender`, `Administrator` and `Editor` proxies fill in).",
  ]);
  // Literal positions: the proxies' types drop the parameter at the position the run time fills in.
  out += `export const TARGET_POSITIONS = ${
    literal(targetPositions(table))
  } as const satisfies Readonly<Record<string, number>>;\n\n`;
  const emptyAllowed = Object.fromEntries(
    table.methods.map((m) => [m.name, emptyStringDefaults(m)]).filter(([, names]) => names.length),
  );
  out += jsdoc([
    "Required parameters whose empty string is a value, not a missing parameter (setWebhook's url: \"\"",
    "removes the webhook); the wrapper sends `\"\"` when the argument is left out.",
  ]);
  out += `export const EMPTY_STRING_PARAMS: Readonly<Record<string, readonly string[]>> = ${
    literal(emptyAllowed)
  };\n\n`;
  out += jsdoc([
    "Methods whose typed wrapper has another name, method → wrapper: Telegram's `close` is `closeBotInstance`,",
    "so that `bot.close()` is never taken for stopping a bot.",
  ]);
  out += `export const RENAMED_WRAPPERS: Readonly<Record<string, string>> = ${
    literal(renamedWrappers(table))
  };\n\n`;
  for (const [constName, typeName, values, doc] of lists) {
    out += jsdoc([doc]);
    out += `export const ${constName} = ${JSON.stringify(values, null, 2)} as const;\n`;
    out += jsdoc([`One of {@link ${constName}}.`]);
    out += `export type ${typeName} = typeof ${constName}[number];\n\n`;
  }
  return out;
}
