/**
 * The argument text the real server reads a value as: a JSON body's non-string fields arrive as their JSON
 * text. Parameter objects have no prototype and may hold `toString` keys, so `String(value)` would throw.
 */
export function argumentText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  return JSON.stringify(value) ?? "";
}

/** The real server's to_bool (Client.cpp `Client::to_bool`): trimmed, lower-cased `true`, `yes` or `1`. */
export function looseBool(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  return ["true", "yes", "1"].includes(argumentText(value).trim().toLowerCase());
}

/**
 * The real server's `td::to_integer`: an optional minus and the leading digits; whatever follows is
 * ignored and no digits at all read as 0 (`"1796119999.123"` is 1796119999, `"abc"` is 0).
 */
export function looseInt(value: unknown): number {
  const text = typeof value === "number" ? String(Math.trunc(value)) : argumentText(value);
  const match = /^-?\d+/.exec(text);
  return match === null ? 0 : Number(match[0]);
}
