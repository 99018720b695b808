/**
 * Rich messages: sendRichMessage posts a message whose `rich_message` holds blocks (paragraphs,
 * headings, lists, media, …); sendRichMessageDraft streams one as a private chat's draft, as
 * sendMessageDraft streams text. The input is blocks, or HTML or Markdown read coarsely into blocks
 * (headings, paragraphs, code, quotes, dividers, list items), its inline formatting kept as plain text.
 */
import { TYPES, type TypeSpec } from "../../api/spec.gen.ts";
import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { FileStore } from "../files.ts";
import { optInt, optObj } from "../params.ts";
import type { MessageObj, Obj } from "../types.ts";
import { resolveFile, targetChat } from "./common.ts";
import { postBotMessage } from "./compose.ts";
import { MEDIA_KINDS, mediaField } from "./media.ts";

/** The input block types of the spec's InputRichBlock union, with their fields. */
const INPUT_BLOCKS: readonly TypeSpec[] = TYPES.InputRichBlock.subtypes.map((name) => TYPES[name]);

function blockType(spec: TypeSpec): string {
  return spec.fields.find((f) => f.name === "type")?.const ?? "";
}

/** Block types holding a media file: the field named after the type is an InputMedia. */
const MEDIA_BLOCKS: ReadonlySet<string> = new Set(
  INPUT_BLOCKS.filter((spec) =>
    spec.fields.some((f) => f.name === blockType(spec) && f.types[0].startsWith("InputMedia"))
  ).map(blockType),
);

/** Block types whose `blocks` hold further blocks. */
const NESTING: ReadonlySet<string> = new Set(
  INPUT_BLOCKS.filter((spec) => spec.fields.some((f) => f.name === "blocks")).map(blockType),
);

/** How the emulator stores a media block's file: a voice note is stored as a voice message. */
function mediaKind(type: string): string {
  return type === "voice_note" ? "voice" : type;
}

/** A stored media block from an InputMedia value. */
async function mediaBlock(ctx: CallContext, type: string, input: Obj): Promise<Obj> {
  const media = input[type] as Obj | undefined;
  if (media === undefined || typeof media !== "object") throw badRequest(`rich block ${type} has no media`);
  const kind = mediaKind(type);
  const file = await resolveFile(ctx, media.media, MEDIA_KINDS[kind].folder);
  const block: Obj = { type, [type]: mediaField(kind, FileStore.describe(file), file, media) };
  if (media.has_spoiler === true) block.has_spoiler = true;
  if (input.caption !== undefined) block.caption = input.caption;
  return block;
}

/** The label of a list item: its number (or letter, or numeral) in an ordered list, else a bullet. */
function label(item: Obj, index: number): string {
  const n = typeof item.value === "number" ? item.value : index + 1;
  switch (item.type) {
    case "1":
      return `${n}.`;
    case "a":
    case "A": {
      const letter = String.fromCharCode(96 + ((n - 1) % 26) + 1);
      return `${item.type === "A" ? letter.toUpperCase() : letter}.`;
    }
    case "i":
    case "I": {
      const roman = toRoman(n);
      return `${item.type === "i" ? roman.toLowerCase() : roman}.`;
    }
    default:
      return "•";
  }
}

const ROMAN: readonly (readonly [number, string])[] = [
  [1000, "M"],
  [900, "CM"],
  [500, "D"],
  [400, "CD"],
  [100, "C"],
  [90, "XC"],
  [50, "L"],
  [40, "XL"],
  [10, "X"],
  [9, "IX"],
  [5, "V"],
  [4, "IV"],
  [1, "I"],
];

function toRoman(n: number): string {
  let out = "";
  let rest = n;
  for (const [value, symbol] of ROMAN) {
    while (rest >= value) {
      out += symbol;
      rest -= value;
    }
  }
  return out;
}

/** One RichBlock from an InputRichBlock. */
async function block(ctx: CallContext, input: Obj): Promise<Obj> {
  const type = String(input.type);
  if (MEDIA_BLOCKS.has(type)) return await mediaBlock(ctx, type, input);
  const out: Obj = { ...input };
  if (NESTING.has(type)) out.blocks = await blocks(ctx, input.blocks);
  if (type === "list") {
    const items = Array.isArray(input.items) ? input.items as Obj[] : [];
    out.items = await Promise.all(items.map(async (item, i) => ({
      ...item,
      label: label(item, i),
      blocks: await blocks(ctx, item.blocks),
    })));
  }
  // A map's frame gets the size Telegram's clients show when none is given.
  if (type === "map") Object.assign(out, { zoom: 15, width: 320, height: 240 }, input);
  return out;
}

async function blocks(ctx: CallContext, input: unknown): Promise<Obj[]> {
  if (!Array.isArray(input)) throw badRequest("rich blocks must be an Array");
  const out: Obj[] = [];
  for (const item of input) {
    if (typeof item !== "object" || item === null) throw badRequest("rich block must be an Object");
    out.push(await block(ctx, item as Obj));
  }
  return out;
}

const ENTITIES: Readonly<Record<string, string>> = { "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&amp;": "&" };

/** The text of an HTML fragment: tags dropped, the four named entities decoded. */
function htmlText(html: string): string {
  return html.replace(/<[^>]*>/g, "").replace(/&(lt|gt|quot|amp);/g, (e) => ENTITIES[e]).trim();
}

/** Blocks of an HTML document: headings, paragraphs, code, quotes and dividers; loose text as paragraphs. */
function htmlBlocks(html: string): Obj[] {
  const out: Obj[] = [];
  const element = /<(h[1-6]|p|pre|blockquote|li)\b[^>]*>([\s\S]*?)<\/\1>|<hr\s*\/?>|([^<]+|<[^>]*>)/gi;
  let loose = "";
  const flush = () => {
    for (const part of loose.split(/\n\s*\n/)) {
      const text = htmlText(part);
      if (text !== "") out.push({ type: "paragraph", text });
    }
    loose = "";
  };
  for (const match of html.matchAll(element)) {
    const [whole, tag, inner] = match;
    if (tag === undefined && !whole.toLowerCase().startsWith("<hr")) {
      loose += whole;
      continue;
    }
    flush();
    const name = tag?.toLowerCase();
    const text = htmlText(inner ?? "");
    if (name === undefined) out.push({ type: "divider" });
    else if (name.startsWith("h")) out.push({ type: "heading", text, size: Number(name.slice(1)) });
    else if (name === "pre") out.push({ type: "pre", text });
    else if (name === "blockquote") out.push({ type: "blockquote", blocks: [{ type: "paragraph", text }] });
    else if (name === "li") out.push(listOf(text));
    else if (text !== "") out.push({ type: "paragraph", text });
  }
  flush();
  return out;
}

function listOf(text: string): Obj {
  return { type: "list", items: [{ label: "•", blocks: [{ type: "paragraph", text }] }] };
}

/** Blocks of a Markdown document: headings, fenced code, quotes, rules, list items and paragraphs. */
function markdownBlocks(markdown: string): Obj[] {
  const out: Obj[] = [];
  const lines = markdown.split("\n");
  let paragraph: string[] = [];
  const flush = () => {
    const text = paragraph.join("\n").trim();
    if (text !== "") out.push({ type: "paragraph", text });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (line.startsWith("```")) {
      flush();
      const code: string[] = [];
      while (++i < lines.length && !lines[i].startsWith("```")) code.push(lines[i]);
      const language = line.slice(3).trim();
      out.push({ type: "pre", text: code.join("\n"), ...(language === "" ? {} : { language }) });
    } else if (heading !== null) {
      flush();
      out.push({ type: "heading", text: heading[2].trim(), size: heading[1].length });
    } else if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      out.push({ type: "divider" });
    } else if (line.startsWith(">")) {
      flush();
      out.push({ type: "blockquote", blocks: [{ type: "paragraph", text: line.replace(/^>\s?/, "") }] });
    } else if (/^\s*[-*+]\s+/.test(line)) {
      flush();
      out.push(listOf(line.replace(/^\s*[-*+]\s+/, "")));
    } else if (line.trim() === "") flush();
    else paragraph.push(line);
  }
  flush();
  return out;
}

/**
 * The RichMessage of the `rich_message` parameter. Exactly one of `blocks`, `html` and `markdown` gives
 * the content; media listed in `media` follow it as media blocks.
 */
async function richMessage(ctx: CallContext): Promise<Obj> {
  const input = optObj(ctx.params, "rich_message");
  if (input === undefined) throw badRequest("rich message is empty");
  const sources = ["blocks", "html", "markdown"].filter((name) => input[name] !== undefined);
  if (sources.length !== 1) {
    throw badRequest("exactly one of blocks, html and markdown must be specified in the rich message");
  }
  const content = sources[0] === "blocks"
    ? await blocks(ctx, input.blocks)
    : sources[0] === "html"
    ? htmlBlocks(String(input.html))
    : markdownBlocks(String(input.markdown));
  const ids = new Set<string>();
  for (const item of Array.isArray(input.media) ? input.media as Obj[] : []) {
    const id = String(item.id);
    if (ids.has(id)) throw badRequest(`rich message media ${id} is specified twice`);
    ids.add(id);
    const media = item.media as Obj;
    const type = String(media?.type);
    if (!MEDIA_BLOCKS.has(type)) throw badRequest(`unsupported media type "${type}"`);
    content.push(await mediaBlock(ctx, type, { [type]: media }));
  }
  // Client.cpp answers an empty text this way for every message kind.
  if (content.length === 0) throw badRequest("message text is empty");
  return input.is_rtl === true ? { blocks: content, is_rtl: true } : { blocks: content };
}

async function sendRichMessage(ctx: CallContext): Promise<MessageObj> {
  const state = targetChat(ctx);
  const rich = await richMessage(ctx);
  return postBotMessage(ctx, state, { rich_message: rich });
}

async function sendRichMessageDraft(ctx: CallContext): Promise<true> {
  const state = targetChat(ctx);
  // The same refusals as sendMessageDraft: private chats only, a non-zero draft id.
  if (state.user === undefined) throw badRequest("TEXTDRAFT_PEER_INVALID");
  const draftId = optInt(ctx.params, "draft_id") ?? 0;
  if (draftId === 0) throw badRequest("DRAFT_ID_INVALID");
  ctx.world.drafts.set(state, { draft_id: draftId, rich_message: await richMessage(ctx) });
  return true;
}

/** Rich messages and their drafts. */
export const RICH_METHODS: Readonly<Record<string, Handler>> = {
  sendRichMessage,
  sendRichMessageDraft,
};
