import type { TypeSpec } from "../api/spec.gen.ts";
import { randomId } from "./files.ts";
import type { Obj } from "./types.ts";

const MAX_DEPTH = 6;

/**
 * The first legal value of String fields the Bot API documents as one of a fixed set (the spec table keeps
 * only their type), so a filler never puts random text where a client switches on the value.
 */
const ENUM_FIELDS: Readonly<Record<string, string>> = {
  "Chat.type": "private",
  "ChatFullInfo.type": "private",
  "Sticker.type": "regular",
  "StickerSet.sticker_type": "regular",
  "Poll.type": "regular",
  "MessageEntity.type": "mention",
  "InputSticker.format": "static",
  "TransactionPartnerUser.transaction_type": "invoice_payment",
  "Invoice.currency": "XTR",
  "SuccessfulPayment.currency": "XTR",
  "RefundedPayment.currency": "XTR",
  "PreCheckoutQuery.currency": "XTR",
  "ChatBoostSourceGiveaway.source": "giveaway",
  "MaskPosition.point": "forehead",
  "InputMediaPhoto.type": "photo",
};

/** Whether a String field holds a link (`url`, `photo_url`, `invite_link`, …): a filler is then a t.me URL. */
function isLink(field: string): boolean {
  return field === "url" || field.endsWith("_url") || field === "link" || field.endsWith("_link");
}

/** A filler for one field of an object type: its enum value, a link, or a plausible value of its type. */
function plausibleField(
  types: Readonly<Record<string, TypeSpec>>,
  owner: string,
  field: { readonly name: string; readonly types: readonly string[]; readonly const?: string },
  depth: number,
): unknown {
  if (field.const !== undefined) return field.const;
  const type = field.types[0];
  if (type === "String") {
    const fixed = ENUM_FIELDS[`${owner}.${field.name}`];
    if (fixed !== undefined) return fixed;
    if (isLink(field.name)) return `https://t.me/${randomId(12)}`;
  }
  return plausible(types, type, depth + 1);
}

/**
 * Builds a minimal valid value of a spec type expression: required fields only, zero-ish values, the first
 * member of a union, discriminators at their fixed value, documented enums at their first value and links
 * as `https://t.me/…` URLs. Methods the emulator does not model answer with it.
 */
export function plausible(types: Readonly<Record<string, TypeSpec>>, type: string, depth = 0): unknown {
  switch (type) {
    case "Integer":
    case "Float":
      return 0;
    case "String":
      return randomId(12);
    case "Boolean":
      return false;
    case "True":
      return true;
    case "InputFile":
      return "";
  }
  if (type.startsWith("Array of ")) return [];
  const spec = types[type];
  if (spec === undefined || depth > MAX_DEPTH) return {};
  if (spec.subtypes.length > 0) return plausible(types, spec.subtypes[0], depth + 1);
  const out: Obj = {};
  for (const field of spec.fields) {
    if (!field.required) continue;
    out[field.name] = plausibleField(types, type, field, depth);
  }
  return out;
}

/** The value a call returns when only "it worked" matters: `true` for Boolean, a filler otherwise. */
export function plausibleResult(
  types: Readonly<Record<string, TypeSpec>>,
  returns: readonly string[],
): unknown {
  const type = returns[0] ?? "True";
  if (type === "Boolean" || type === "True") return true;
  return plausible(types, type);
}
