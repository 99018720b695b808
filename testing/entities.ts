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
 * (`@username`, 5+ characters), `hashtag` (`#word`) and `url` (`http://…`, `https://…`), each starting at
 * the beginning of the text or after whitespace. Offsets are UTF-16 code units, as in the Bot API, which is
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
    while (j < n && isWordChar(text.charCodeAt(j))) j++;
    if (j === i + 1) continue;
    if (c === SLASH) {
      if (j < n && text.charCodeAt(j) === AT) {
        let k = j + 1;
        while (k < n && isWordChar(text.charCodeAt(k))) k++;
        if (k > j + 1) j = k;
      }
      (found ??= []).push({ type: "bot_command", offset: i, length: j - i });
    } else if (c === HASH) {
      (found ??= []).push({ type: "hashtag", offset: i, length: j - i });
    } else if (j - i > 5) {
      (found ??= []).push({ type: "mention", offset: i, length: j - i });
    }
    i = j - 1;
  }
  return found;
}
