/**
 * Classification of the spec table that the helpers need: which methods send to a chat, administer a
 * chat, target an existing message, accept files; which Message fields are content; which Update
 * fields are update kinds. Rules, not lists, so that a new Bot API version classifies itself.
 */
import { elementType, type SpecTable } from "./spec_table.ts";

/** What the method rules read of a method: its name and its parameters' names and required flags. */
export interface MethodShape {
  /** Method name. */
  readonly name: string;
  /** Parameters in documentation order. */
  readonly params: readonly { readonly name: string; readonly required: boolean }[];
}

/**
 * Wrappers named apart from their method, because a bot is a client: the Bot API's `close` (which
 * moves the bot off a local server, and logs it out there for ten minutes) must not read as "stop this
 * bot". `bot.call("close")` reaches it by its own name too.
 */
const RENAMED_WRAPPERS: Readonly<Record<string, string>> = { close: "closeBotInstance" };

/** The name of a method's typed wrapper: the method's own name, except for {@link RENAMED_WRAPPERS}. */
export function wrapperName(method: string): string {
  return RENAMED_WRAPPERS[method] ?? method;
}

/** Every method whose wrapper has a name of its own, method → wrapper. */
export function renamedWrappers(table: { readonly methods: readonly MethodShape[] }): Record<string, string> {
  return Object.fromEntries(
    table.methods.filter((m) => wrapperName(m.name) !== m.name).map((m) => [m.name, wrapperName(m.name)]),
  );
}

const required = (m: MethodShape) => m.params.filter((p) => p.required).map((p) => p.name);

/** The parameters a message identifier stands for: a chat or inline message. */
export const MESSAGE_IDENTIFIER_PARAMS = ["chat_id", "message_id", "inline_message_id"];

/** The parameters the ephemeral form of a message identifier stands for. */
export const EPHEMERAL_IDENTIFIER_PARAMS = ["chat_id", "receiver_user_id", "ephemeral_message_id"];

/** Whether a method targets one ephemeral message: it requires exactly the ephemeral identifier's parameters first. */
export function targetsEphemeral(m: MethodShape): boolean {
  return EPHEMERAL_IDENTIFIER_PARAMS.every((name, i) => required(m)[i] === name);
}

/**
 * Methods that take a message identifier in place of chat_id / message_id / inline_message_id (or, for
 * an ephemeral message, chat_id / receiver_user_id / ephemeral_message_id).
 */
export function editorMethods(table: SpecTable): string[] {
  return table.methods.filter((m) => {
    if (m.params.some((p) => p.name === "inline_message_id")) return true;
    if (!/^(edit|delete|stop)/.test(m.name)) return false;
    const req = required(m);
    // A message's own target first; what the method changes may follow (editMessageMedia's media).
    return (req.length >= 2 && req[0] === "chat_id" && req[1] === "message_id") || targetsEphemeral(m);
  }).map((m) => m.name);
}

/**
 * Parameters an edit method takes positionally though the Bot API marks them optional: the `text` of a
 * text edit is optional only because `rich_message` may replace it, and telepot's signature is
 * `edit_message_text(msg_identifier, text, …)`. Pass `null` to send `rich_message` instead.
 */
export function positionalOptionals(m: MethodShape): string[] {
  const names = new Set(m.params.map((p) => p.name));
  return /^edit/.test(m.name) && names.has("text") && names.has("rich_message") ? ["text"] : [];
}

/** Methods that send something to the chat given as their chat_id. */
export function senderMethods(table: SpecTable): string[] {
  const editors = new Set(editorMethods(table));
  return table.methods.filter((m) =>
    !editors.has(m.name) && /^(send|forward|copy)/.test(m.name) && required(m).includes("chat_id")
  ).map((m) => m.name);
}

/**
 * The sender methods that post messages (their result is the sent Message or MessageId, or a list of
 * them): what Telegram's flood limits count. Chat actions and drafts are sent too, but post nothing.
 */
export function messageSenderMethods(table: SpecTable): string[] {
  const posts = new Set(["Message", "MessageId"]);
  const senders = new Set(senderMethods(table));
  return table.methods.filter((m) =>
    senders.has(m.name) && m.returns.length > 0 && m.returns.every((type) => posts.has(elementType(type)))
  ).map((m) => m.name);
}

/** The other methods that take a required chat_id: they administer or inspect a chat. */
export function administratorMethods(table: SpecTable): string[] {
  const taken = new Set([...editorMethods(table), ...senderMethods(table)]);
  return table.methods.filter((m) => !taken.has(m.name) && required(m).includes("chat_id")).map((m) =>
    m.name
  );
}

/** Types whose values may contain an InputFile, directly or through their fields or subtypes. */
function typesWithFiles(table: SpecTable): Set<string> {
  const byName = new Map(table.types.map((t) => [t.name, t]));
  const memo = new Map<string, boolean>();
  const holds = (name: string): boolean => {
    if (name === "InputFile") return true;
    if (memo.has(name)) return memo.get(name)!;
    memo.set(name, false);
    const t = byName.get(name);
    const result = !!t
      && (t.subtypes.some(holds) || t.fields.some((f) => f.types.some((ty) => holds(elementType(ty)))));
    memo.set(name, result);
    return result;
  };
  return new Set([...byName.keys(), "InputFile"].filter(holds));
}

/** Methods that accept an uploaded file in some parameter. */
export function fileMethods(table: SpecTable): string[] {
  const files = typesWithFiles(table);
  return table.methods.filter((m) => m.params.some((p) => p.types.some((t) => files.has(elementType(t)))))
    .map((m) => m.name);
}

/** Message fields that modify content rather than being content themselves. */
const CONTENT_MODIFIERS = new Set([
  "entities",
  "link_preview_options",
  "suggested_post_info",
  "effect_id",
  "caption",
  "caption_entities",
  "show_caption_above_media",
  "has_media_spoiler",
  "reply_markup",
]);

/** Message's content fields: from `text` on, in documentation order, without the modifiers. */
export function messageContentTypes(table: SpecTable): string[] {
  const fields = table.types.find((t) => t.name === "Message")!.fields.map((f) => f.name);
  return fields.slice(fields.indexOf("text")).filter((f) => !CONTENT_MODIFIERS.has(f));
}

/** Update's kinds: every field but update_id, in documentation order. */
export function updateKinds(table: SpecTable): string[] {
  return table.types.find((t) => t.name === "Update")!.fields.map((f) => f.name).filter((f) =>
    f !== "update_id"
  );
}

/** Update's kinds with the type of their payload, in documentation order. */
export function updatePayloads(table: SpecTable): [kind: string, type: string][] {
  const fields = table.types.find((t) => t.name === "Update")!.fields;
  return updateKinds(table).map((kind) => [kind, elementType(fields.find((f) => f.name === kind)!.types[0])]);
}

/**
 * telepot's flavor of an Update kind: `chat` for a kind carrying a Message (`edited_chat` when it is an
 * edit), the kind's own name otherwise (the same rule as bot/flavor.ts at run time).
 */
export function flavorOfKind(kind: string, payload: string): string {
  if (payload !== "Message") return kind;
  return kind.startsWith("edited_") ? "edited_chat" : "chat";
}

/** The default router's method for a flavor: `onChatMessage`, `onEditedChatMessage`, else `on` + PascalCase. */
export function flavorMethodName(flavor: string): string {
  if (flavor === "chat") return "onChatMessage";
  if (flavor === "edited_chat") return "onEditedChatMessage";
  return "on" + flavor.split("_").filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}

/**
 * Required parameters the wrapper lets the caller leave out because the Bot API gives their empty
 * string a meaning: `setWebhook(url)` with `""` removes the webhook, and telepot's `set_webhook()`
 * (url=None) does the same, so `setWebhook()` sends `url: ""`.
 */
export function emptyStringDefaults(m: MethodShape): string[] {
  return m.name === "setWebhook" && m.params.some((p) => p.name === "url" && p.required) ? ["url"] : [];
}
