import type { Obj } from "./types.ts";

const SLASH = 47;
const AT = 64;

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
    || code === 95;
}

/**
 * The `bot_command` and `mention` entities Telegram would detect in plain text.
 * A command starts at the beginning of the text or after whitespace: `/start`, `/start@my_bot`.
 * Offsets are UTF-16 code units, as in the Bot API, which is what JS string indices are.
 */
export function detectEntities(text: string): Obj[] | undefined {
  let found: Obj[] | undefined;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c !== SLASH && c !== AT) continue;
    if (i > 0) {
      const prev = text.charCodeAt(i - 1);
      if (prev !== 32 && prev !== 10 && prev !== 9 && prev !== 13) continue;
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
    } else if (j - i > 5) {
      (found ??= []).push({ type: "mention", offset: i, length: j - i });
    }
    i = j - 1;
  }
  return found;
}
