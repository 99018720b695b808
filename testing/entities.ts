import type { MessageEntity } from "../api/types.gen.ts";

const SLASH = 47;
const AT = 64;
const HASH = 35;
const LOWER_H = 104;

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
    || code === 95;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

/** Characters that end a URL when they close it (as Telegram leaves trailing punctuation out). */
function isTrailingPunctuation(code: number): boolean {
  return code === 46 || code === 44 || code === 33 || code === 63 || code === 41 || code === 59
    || code === 58;
}

/**
 * The entities Telegram would detect in plain text: `bot_command` (`/start`, `/start@my_bot`), `mention`
 * (`@username`, 5+ characters), `hashtag` (`#word`, in any script) and `url` (`http://…`, `https://…`),
 * each starting at the beginning of the text or after whitespace, and `email` and `phone_number`
 * (`+` and 7-15 digits) standing on their own. Offsets are UTF-16 code units, as in the Bot API, which is
 * what JS string indices are.
 */
export function detectEntities(text: string): MessageEntity[] | undefined {
  let found: MessageEntity[] | undefined;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c !== SLASH && c !== AT && c !== HASH && c !== LOWER_H) continue;
    if (i > 0 && !isSpace(text.charCodeAt(i - 1))) continue;
    if (c === LOWER_H) {
      const scheme = text.startsWith("https://", i) ? 8 : text.startsWith("http://", i) ? 7 : 0;
      if (scheme === 0) continue;
      let j = i + scheme;
      while (j < n && !isSpace(text.charCodeAt(j))) j++;
      while (j > i + scheme && isTrailingPunctuation(text.charCodeAt(j - 1))) j--;
      if (j > i + scheme) (found ??= []).push({ type: "url", offset: i, length: j - i });
      i = j - 1;
      continue;
    }
    let j = i + 1;
    if (c === HASH) {
      // Hashtags take letters and digits of any script (#café, #東京), and need one that is not a digit.
      j = hashtagEnd(text, j);
      if (j > i + 1 && !/^#\d+$/.test(text.slice(i, j))) {
        (found ??= []).push({ type: "hashtag", offset: i, length: j - i });
      }
      i = Math.max(i, j - 1);
      continue;
    }
    while (j < n && isWordChar(text.charCodeAt(j))) j++;
    if (j === i + 1) continue;
    if (c === SLASH) {
      if (j < n && text.charCodeAt(j) === AT) {
        let k = j + 1;
        while (k < n && isWordChar(text.charCodeAt(k))) k++;
        if (k > j + 1) j = k;
      }
      (found ??= []).push({ type: "bot_command", offset: i, length: j - i });
    } else if (j - i > 5) {
      (found ??= []).push({ type: "mention", offset: i, length: j - i });
    }
    i = j - 1;
  }
  if (text.includes("@")) found = addFree(found, text, EMAIL, "email");
  if (text.includes("+")) found = addFree(found, text, PHONE, "phone_number");
  return found;
}

const HASHTAG_CHAR = /[\p{L}\p{N}\p{M}_]/u;

/** Where a hashtag's word that starts at `from` ends (code points of any script, UTF-16 indices). */
function hashtagEnd(text: string, from: number): number {
  let j = from;
  while (j < text.length) {
    const code = text.codePointAt(j)!;
    const width = code > 0xffff ? 2 : 1;
    if (code < 128 ? !isWordChar(code) : !HASHTAG_CHAR.test(text.slice(j, j + width))) break;
    j += width;
  }
  return j;
}

/** An e-mail address standing on its own (letters of any script in the local part and the domain). */
const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}(?![\p{L}\p{N}])/gu;
/** An international phone number: + and 7 to 15 digits, spaces, dashes or brackets between them. */
const PHONE = /(?<![\p{L}\p{N}+])\+\d(?:[\d \-()]*\d)?(?![\p{L}\p{N}])/gu;

/** Adds the matches of `pattern` that overlap no entity found already, in offset order. */
function addFree(
  found: MessageEntity[] | undefined,
  text: string,
  pattern: RegExp,
  type: "email" | "phone_number",
): MessageEntity[] | undefined {
  let out = found;
  for (const match of text.matchAll(pattern)) {
    const offset = match.index;
    const length = match[0].length;
    if (type === "phone_number") {
      const digits = match[0].replace(/\D/g, "").length;
      if (digits < 7 || digits > 15) continue;
    }
    if (out?.some((e) => offset < e.offset + e.length && e.offset < offset + length)) continue;
    (out ??= []).push({ type, offset, length });
  }
  return out?.sort((a, b) => a.offset - b.offset);
}
