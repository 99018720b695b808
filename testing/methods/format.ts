import { detectEntities } from "../entities.ts";
import { badRequest } from "../failure.ts";
import type { Obj, UserObj } from "../types.ts";

/** An account the emulator knows, by id (a user, or a bot as it appears as a sender); for inline mentions. */
export type UserLookup = (id: number) => UserObj | undefined;

const HTML_TAGS: Readonly<Record<string, string>> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  code: "code",
  pre: "pre",
  a: "text_link",
  "tg-spoiler": "spoiler",
  blockquote: "blockquote",
};

const HTML_ESCAPES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: "\"", apos: "'" };

function cannotParse(detail: string): never {
  throw badRequest(`can't parse entities: ${detail}`);
}

function parseHtml(source: string): { text: string; entities: Obj[] } {
  let text = "";
  const entities: Obj[] = [];
  const open: { tag: string; start: number; entity: Obj }[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === "<") {
      const end = source.indexOf(">", i);
      if (end < 0) cannotParse(`Unclosed start tag at byte offset ${i}`);
      const inner = source.slice(i + 1, end).trim();
      i = end + 1;
      if (inner.startsWith("/")) {
        const name = inner.slice(1).trim().toLowerCase();
        const top = open.pop();
        if (top === undefined || top.tag !== name) {
          cannotParse(
            `Unmatched end tag at byte offset ${end}, expected "</${top?.tag ?? ""}>", found "</${name}>"`,
          );
        }
        top.entity.length = text.length - top.start;
        if ((top.entity.length as number) > 0) entities.push(top.entity);
        continue;
      }
      const space = inner.search(/\s/);
      const name = (space < 0 ? inner : inner.slice(0, space)).toLowerCase();
      const attrs = space < 0 ? "" : inner.slice(space);
      // Own names only: `<constructor>` is no tag, nor `&toString;` an entity.
      let type = Object.hasOwn(HTML_TAGS, name) ? HTML_TAGS[name] : undefined;
      if (name === "span" && attrs.includes("tg-spoiler")) type = "spoiler";
      if (type === undefined) cannotParse(`Unsupported start tag "${name}" at byte offset ${i}`);
      const entity: Obj = { type, offset: text.length, length: 0 };
      if (type === "text_link") {
        const href = /href\s*=\s*["']([^"']*)["']/.exec(attrs);
        if (href === null) cannotParse("Can't find end of href attribute");
        entity.url = href[1];
      }
      if (type === "pre") {
        const lang = /class\s*=\s*["']language-([^"']*)["']/.exec(attrs);
        if (lang !== null) entity.language = lang[1];
      }
      open.push({ tag: name === "span" ? "span" : name, start: text.length, entity });
    } else if (c === "&") {
      const end = source.indexOf(";", i);
      const name = end < 0 ? "" : source.slice(i + 1, end);
      const value = Object.hasOwn(HTML_ESCAPES, name) ? HTML_ESCAPES[name] : undefined;
      if (value === undefined) {
        text += "&";
        i++;
      } else {
        text += value;
        i = end + 1;
      }
    } else {
      text += c;
      i++;
    }
  }
  if (open.length > 0) {
    cannotParse(`Can't find end tag corresponding to start tag "${open[open.length - 1].tag}"`);
  }
  return { text, entities: entities.sort((a, b) => (a.offset as number) - (b.offset as number)) };
}

const MD_V2_RESERVED = "_*[]()~`>#+-=|{}.!";

/**
 * The raw body of a code or pre entity from `from` to its closing mark; in MarkdownV2 a backslash escapes
 * the next character there (a backtick or a backslash), so an escaped backtick does not close it.
 */
function codeBody(source: string, from: number, mark: string, v2: boolean): { body: string; end: number } {
  let body = "";
  let i = from;
  while (i < source.length) {
    if (v2 && source[i] === "\\" && i + 1 < source.length) {
      body += source[i + 1];
      i += 2;
      continue;
    }
    if (source.startsWith(mark, i)) return { body, end: i };
    body += source[i];
    i++;
  }
  cannotParse(
    `Can't find end of ${mark.length === 3 ? "Pre" : "Code"} entity at byte offset ${from - mark.length}`,
  );
}

/**
 * A code block's text as Telegram keeps it (td's markdown parsers): the word right after the opening fence,
 * when whitespace follows it, is the language; one line break after the fence (or the language) is skipped;
 * the line break before the closing fence is not kept either.
 */
function preContent(body: string, entity: Obj): string {
  const language = /^([^\s`]+)(?=\s)/.exec(body);
  let content = body;
  if (language !== null) {
    entity.language = language[1];
    content = content.slice(language[1].length);
  }
  content = content.replace(/^(\r\n|\n\r|\r|\n)/, "");
  return content.replace(/(\r\n|\n)$/, "");
}

function parseMarkdown(source: string, v2: boolean): { text: string; entities: Obj[] } {
  let text = "";
  const entities: Obj[] = [];
  const open = new Map<string, number>();
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (v2 && c === "\\" && i + 1 < source.length) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    if (c === "`") {
      const fence = source.startsWith("```", i);
      const mark = fence ? "```" : "`";
      const { body, end } = codeBody(source, i + mark.length, mark, v2);
      const entity: Obj = { type: fence ? "pre" : "code", offset: text.length, length: 0 };
      const content = fence ? preContent(body, entity) : body;
      text += content;
      entity.length = content.length;
      if (content.length > 0) entities.push(entity);
      i = end + mark.length;
      continue;
    }
    if (c === "[") {
      const close = source.indexOf("](", i);
      const end = close < 0 ? -1 : source.indexOf(")", close);
      if (end < 0) {
        if (v2) cannotParse(`Character '[' is reserved and must be escaped with the preceding '\\'`);
        text += c;
        i++;
        continue;
      }
      const label = source.slice(i + 1, close);
      entities.push({
        type: "text_link",
        offset: text.length,
        length: label.length,
        url: source.slice(close + 2, end),
      });
      text += label;
      i = end + 1;
      continue;
    }
    const double = v2 && (source.startsWith("__", i) || source.startsWith("||", i));
    const mark = double ? source.slice(i, i + 2) : c;
    const type = mark === "*"
      ? "bold"
      : mark === "_"
      ? "italic"
      : mark === "__"
      ? "underline"
      : mark === "||"
      ? "spoiler"
      : mark === "~" && v2
      ? "strikethrough"
      : undefined;
    if (type !== undefined) {
      const start = open.get(mark);
      if (start === undefined) open.set(mark, text.length);
      else {
        open.delete(mark);
        if (text.length > start) entities.push({ type, offset: start, length: text.length - start });
      }
      i += mark.length;
      continue;
    }
    if (v2 && MD_V2_RESERVED.includes(c)) {
      cannotParse(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
    }
    text += c;
    i++;
  }
  if (open.size > 0) {
    cannotParse(`Can't find end of the entity starting at byte offset ${[...open.values()][0]}`);
  }
  return { text, entities: entities.sort((a, b) => (a.offset as number) - (b.offset as number)) };
}

/**
 * The user a `tg://user?id=N` link names, read as td reads such a link (LinkManager::get_link_user_id): the
 * scheme `tg:` in any case, `//` or not, the host `user`, a `/` or not, then a query whose first `id`
 * parameter must be a positive integer. Any other URL names nobody and stays an ordinary link.
 */
export function linkUserId(url: string): number | undefined {
  const link = /^tg:(?:\/\/)?user\/?\?([^#]*)/i.exec(url);
  if (link === null) return undefined;
  for (const parameter of link[1].split("&")) {
    const eq = parameter.indexOf("=");
    if ((eq < 0 ? parameter : parameter.slice(0, eq)).toLowerCase() !== "id") continue;
    // The first `id` decides, as in td: a malformed one makes the link name nobody, not the next one.
    const value = eq < 0 ? "" : parameter.slice(eq + 1);
    const id = /^\d+$/.test(value) ? Number(value) : NaN;
    return Number.isSafeInteger(id) && id > 0 ? id : undefined;
  }
  return undefined;
}

/**
 * Entities with their `tg://user?id=N` links made inline mentions, as Telegram makes them: td never keeps
 * such a link as a text link (its markup parsers and its reading of a given text link both turn it into a
 * mention of the user), so the Bot API shows a `text_mention` carrying the user. For an id the emulator
 * knows no account of, the entity is dropped and its text stays plain: an assumption, see README ("How
 * close the emulator is to Telegram").
 */
export function resolveUserLinks(entities: readonly Obj[], users: UserLookup | undefined): Obj[] {
  const out: Obj[] = [];
  for (const entity of entities) {
    const id = entity?.type === "text_link" && typeof entity.url === "string"
      ? linkUserId(entity.url)
      : undefined;
    if (id === undefined) {
      out.push(entity);
      continue;
    }
    const user = users?.(id);
    // A copy: the message must not change when the account is renamed later.
    if (user !== undefined) {
      out.push({ type: "text_mention", offset: entity.offset, length: entity.length, user: { ...user } });
    }
  }
  return out;
}

/** Whether two entities cover some of the same text. */
function overlaps(a: Obj, b: Obj): boolean {
  const [aStart, bStart] = [a.offset as number, b.offset as number];
  return aStart < bStart + (b.length as number) && bStart < aStart + (a.length as number);
}

/**
 * Applies a `parse_mode` (HTML, Markdown, MarkdownV2) the way Telegram does: markup is removed from the text
 * and becomes entities; malformed markup is a 400 "can't parse entities". Links to `tg://user?id=N` become
 * mentions of the users `users` finds ({@link resolveUserLinks}). Commands, mentions, e-mail addresses… in
 * the resulting text are detected too, except inside code and pre blocks, which Telegram keeps free of other
 * entities (so an `@name` shown as code mentions nobody).
 */
export function formatText(
  source: string,
  mode: string,
  users?: UserLookup,
): { text: string; entities?: Obj[] } {
  let parsed: { text: string; entities: Obj[] };
  // The server reads the mode's name in any case.
  const name = mode.toLowerCase();
  if (name === "html") parsed = parseHtml(source);
  else if (name === "markdown") parsed = parseMarkdown(source, false);
  else if (name === "markdownv2") parsed = parseMarkdown(source, true);
  else throw badRequest("Unsupported parse_mode");
  const marked = resolveUserLinks(parsed.entities, users);
  const code = marked.filter((e) => e.type === "code" || e.type === "pre");
  const auto = (detectEntities(parsed.text) ?? []).filter((found) => !code.some((c) => overlaps(c, found)));
  const entities = [...marked, ...auto].sort((a, b) => (a.offset as number) - (b.offset as number));
  return entities.length === 0 ? { text: parsed.text } : { text: parsed.text, entities };
}
