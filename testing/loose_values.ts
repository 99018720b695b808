/** The real server's to_bool (Client.cpp `Client::to_bool`): trimmed, lower-cased `true`, `yes` or `1`. */
export function looseBool(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  return ["true", "yes", "1"].includes(String(value).trim().toLowerCase());
}

/**
 * The real server's `td::to_integer`: an optional minus and the leading digits; whatever follows is
 * ignored and no digits at all read as 0 (`"1796119999.123"` is 1796119999, `"abc"` is 0).
 */
export function looseInt(value: unknown): number {
  const text = typeof value === "number" ? String(Math.trunc(value)) : String(value);
  const match = /^-?\d+/.exec(text);
  return match === null ? 0 : Number(match[0]);
}
