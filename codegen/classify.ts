/**
 * Classification of the spec table that the helpers need: which methods send to a chat, administer a
 * chat, target an existing message, accept files; which Message fields are content; which Update
 * fields are update kinds. Rules, not lists, so that a new Bot API version classifies itself.
 */
import { elementType, type SpecMethod, type SpecTable } from "./spec_table.ts";

const required = (m: SpecMethod) => m.params.filter((p) => p.required).map((p) => p.name);

/** Methods that take a message identifier in place of chat_id / message_id / inline_message_id. */
export function editorMethods(table: SpecTable): string[] {
  return table.methods.filter((m) => {
    if (m.params.some((p) => p.name === "inline_message_id")) return true;
    const req = required(m);
    return /^(edit|delete|stop)/.test(m.name) && req.length === 2 && req[0] === "chat_id"
      && req[1] === "message_id";
  }).map((m) => m.name);
}

/** Methods that send something to the chat given as their chat_id. */
export function senderMethods(table: SpecTable): string[] {
  const editors = new Set(editorMethods(table));
  return table.methods.filter((m) =>
    !editors.has(m.name) && /^(send|forward|copy)/.test(m.name) && required(m).includes("chat_id")
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
