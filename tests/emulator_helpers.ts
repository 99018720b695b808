/** Plain-fetch helpers for the emulator tests: the wire protocol, nothing in between. */

/** Parsed Bot API answer plus the HTTP status. */
export interface Answer {
  /** HTTP status. */
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** Calls a method with a JSON body. */
export async function call(
  apiRoot: string,
  token: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<Answer> {
  const r = await fetch(`${apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: r.status, body: await r.json() };
}

/** Calls a method and returns `result`, failing the test on an error answer. */
export async function ok<T = unknown>(
  apiRoot: string,
  token: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<T> {
  const a = await call(apiRoot, token, method, params);
  if (a.status !== 200 || a.body.ok !== true) {
    throw new Error(`${method} failed: ${a.status} ${JSON.stringify(a.body)}`);
  }
  return a.body.result as T;
}
