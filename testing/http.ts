import type { ServeHandler } from "../platform/serve.ts";
import type { Services } from "./context.ts";
import { RawJson } from "./context.ts";
import type { Dispatcher } from "./dispatcher.ts";
import { ApiFailure } from "./failure.ts";
import type { FaultInjector, FaultSpec } from "./faults.ts";
import type { FileStore } from "./files.ts";
import { type BodyBudget, readCallInput } from "./params.ts";
import type { BotState } from "./world.ts";

const JSON_HEADERS: HeadersInit = { "content-type": "application/json" };

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Request Entity Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** `{ok:true,result}` with status 200, its file ids the calling bot's own. */
function okResponse(result: unknown, files: FileStore, bot: BotState): Response {
  const text = result instanceof RawJson
    ? `{"ok":true,"result":${result.text}}`
    : files.showTo(bot.user.id, JSON.stringify({ ok: true, result: result === undefined ? true : result }));
  return new Response(text, { headers: JSON_HEADERS });
}

/** `{ok:false,error_code,description[,parameters]}` with the error code as HTTP status. */
function failureResponse(code: number, description: string, parameters?: unknown): Response {
  const body = parameters === undefined
    ? { ok: false, error_code: code, description }
    : { ok: false, error_code: code, description, parameters };
  return new Response(JSON.stringify(body), { status: code, headers: JSON_HEADERS });
}

function fromFailure(f: ApiFailure): Response {
  return failureResponse(f.errorCode, f.description, f.parameters);
}

/**
 * A response whose declared length exceeds what is sent: the HTTP stack then aborts the connection, so the
 * client sees a connection broken mid-answer (an errored stream would do the same but logs noise).
 */
function droppedResponse(): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array([123]));
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "application/json", "content-length": "4096" } });
}

function faultResponse(fault: FaultSpec): Response | undefined {
  if (fault.drop) return droppedResponse();
  if (fault.html !== undefined && fault.html !== false) {
    const status = fault.status ?? 502;
    const page = typeof fault.html === "string"
      ? fault.html
      : `<html>\r\n<head><title>${status} ${
        STATUS_TEXT[status] ?? "Error"
      }</title></head>\r\n<body>\r\n<center><h1>${status} ${
        STATUS_TEXT[status] ?? "Error"
      }</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
    return new Response(page, { status, headers: { "content-type": "text/html" } });
  }
  if (fault.error !== undefined) {
    return failureResponse(fault.error.error_code, fault.error.description, fault.error.parameters);
  }
  if (fault.status !== undefined) {
    return failureResponse(fault.status, STATUS_TEXT[fault.status] ?? "Error");
  }
  return undefined;
}

function sleep(seconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, seconds * 1000);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}

/** Everything the HTTP layer needs. */
export interface HttpDeps {
  /** Emulator services (world, webhooks). */
  readonly services: Services;
  /** Method routing. */
  readonly dispatcher: Dispatcher;
  /** Fault injection. */
  readonly faults: FaultInjector;
  /** Aborted when the emulator closes (cuts injected latencies short). */
  readonly closing: AbortSignal;
  /** Body size and deadline limits, with each bot's share of the bytes being read. */
  readonly budget: BodyBudget;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function notFound(): Response {
  return failureResponse(404, "Not Found");
}

/** Answers without reading the body, cancelling it so that it is not buffered or waited for. */
async function unread(request: Request, response: Response): Promise<Response> {
  await request.body?.cancel().catch(() => {});
  return response;
}

// Telegram's test environment lives under /bot<token>/test/<method> and /file/bot<token>/test/<path>;
// the emulator serves both environments alike.
function outsideTestEnvironment(rest: string): string {
  return rest.startsWith("test/") ? rest.slice(5) : rest;
}

/**
 * The request handler: `/bot<token>/<method>` for calls and `/file/bot<token>/<path>` for downloads.
 * Path parsing uses index arithmetic only: this runs for every request.
 */
export function createHandler(
  deps: HttpDeps,
): ServeHandler {
  const { services, dispatcher, faults, closing, budget } = deps;
  const world = services.world;

  function findBot(token: string) {
    return world.botsByToken.get(token.includes("%") ? safeDecode(token) : token);
  }

  async function call(
    request: Request,
    clientGone: AbortSignal,
    token: string,
    name: string,
    query: string,
  ): Promise<Response> {
    const bot = findBot(token);
    if (bot === undefined) return await unread(request, failureResponse(401, "Unauthorized"));
    const method = dispatcher.canonical(outsideTestEnvironment(name));
    // Client.cpp: an unknown method is "Not Found: method not found".
    if (method === undefined) return failureResponse(404, "Not Found: method not found");
    const fault = faults.match(method);
    if (fault?.latency !== undefined && fault.latency > 0) await sleep(fault.latency, closing);
    if (fault !== undefined && !fault.performed) {
      const response = faultResponse(fault);
      if (response !== undefined) {
        await request.body?.cancel().catch(() => {});
        return response;
      }
    }
    let response: Response;
    try {
      const input = await readCallInput(request, query, budget, bot);
      let result = dispatcher.call(
        services,
        bot,
        method,
        input,
        method === "getUpdates" ? clientGone : undefined,
      );
      if (result instanceof Promise) result = await result;
      response = okResponse(result, world.files, bot);
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e;
      response = fromFailure(e);
    }
    return (fault !== undefined ? faultResponse(fault) : undefined) ?? response;
  }

  function download(token: string, path: string): Response {
    const bot = findBot(token);
    if (bot === undefined) return failureResponse(401, "Unauthorized");
    const file = world.files.download(bot.user.id, safeDecode(path));
    if (file === undefined) return notFound();
    return new Response(file.bytes, {
      headers: { "content-type": file.mime_type ?? "application/octet-stream" },
    });
  }

  return async (request: Request, clientGone: AbortSignal): Promise<Response> => {
    const url = request.url;
    const start = url.indexOf("/", url.indexOf("//") + 2);
    const q = url.indexOf("?", start);
    const path = q < 0 ? url.slice(start) : url.slice(start, q);
    try {
      if (path.startsWith("/bot")) {
        const slash = path.indexOf("/", 4);
        if (slash < 0) return notFound();
        return await call(
          request,
          clientGone,
          path.slice(4, slash),
          path.slice(slash + 1),
          q < 0 ? "" : url.slice(q + 1),
        );
      }
      if (path.startsWith("/file/bot")) {
        const slash = path.indexOf("/", 9);
        if (slash < 0) return notFound();
        return download(path.slice(9, slash), outsideTestEnvironment(path.slice(slash + 1)));
      }
      return notFound();
    } catch (e) {
      // A handler bug must not take the emulator down: answer 500 and keep serving.
      console.error("BotApiEmulator: internal error", e instanceof Error ? e.message : e);
      return failureResponse(500, "Internal Server Error");
    }
  };
}
