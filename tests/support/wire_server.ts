/**
 * A small real HTTP server on loopback for the api/ wire tests: records every request as it arrived
 * (JSON or parsed multipart, file names and sizes) and answers Telegram-shaped responses.
 *
 * @module
 */

/** A file part as the server received it. */
export interface ReceivedFile {
  /** The part's file name, as the server's multipart parser decoded it. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** The part's Content-Type. */
  readonly type: string;
  /** The content (only for files up to 1 MB, to keep big-upload tests light). */
  readonly bytes?: Uint8Array;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  /** HTTP method. */
  readonly httpMethod: string;
  /** URL path, token included (tests compare against it). */
  readonly path: string;
  /** Last path segment, e.g. `"sendMessage"`. */
  readonly botMethod: string;
  /** Content-Type header ("" when absent). */
  readonly contentType: string;
  /** How the body was encoded. */
  readonly kind: "json" | "multipart" | "empty" | "other";
  /** Parsed JSON body, when `kind` is json. */
  readonly json?: Record<string, unknown>;
  /** Text fields of a multipart body. */
  readonly fields: Record<string, string>;
  /** File parts of a multipart body, by field name. */
  readonly files: Record<string, ReceivedFile>;
  /** Raw multipart body head (first 4 KB), for checking headers such as `filename*`. */
  readonly head: string;
  /** Body size in bytes, for streamed-only methods. */
  readonly bodySize: number;
  /** The client's source port: the same port across requests means the connection was kept alive. */
  readonly remotePort: number;
}

/** What a handler may answer: a Response as is, or any value sent as `{ ok: true, result }`. */
export type Handler = (request: RecordedRequest) => unknown | Promise<unknown>;

/** A Bot API error answer. */
export function fail(errorCode: number, description: string, parameters?: Record<string, unknown>): Response {
  return Response.json({
    ok: false,
    error_code: errorCode,
    description,
    ...(parameters ? { parameters } : {}),
  }, {
    status: errorCode >= 100 && errorCode < 600 ? errorCode : 400,
  });
}

/** A non-JSON answer such as a gateway's HTML error page. */
export function html(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/html" } });
}

const decoder = new TextDecoder();

/** The server. Start with {@link WireServer.start}; always `close()` it. */
export class WireServer {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Files served under `/file/bot<token>/<path>`, by path: content, or a function making the answer. */
  readonly files: Map<string, Uint8Array | (() => Response)> = new Map();
  /** Methods whose bodies are only counted (not parsed), for big uploads. */
  readonly countOnly: Set<string> = new Set();
  readonly #handlers = new Map<string, Handler[]>();
  readonly #server: Deno.HttpServer<Deno.NetAddr>;

  private constructor() {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (req, info) => this.#handle(req, info.remoteAddr.port),
    );
  }

  /** Starts a server on a free loopback port. */
  static start(): WireServer {
    return new WireServer();
  }

  /** Base URL, usable as `apiRoot`. */
  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /**
   * Answers calls of `botMethod` with the given handlers, replacing earlier ones: each handler answers
   * one call in turn and the last one stays for every call after.
   */
  on(botMethod: string, ...handlers: Handler[]): this {
    this.#handlers.set(botMethod, [...handlers]);
    return this;
  }

  /** Requests received for one Bot API method. */
  calls(botMethod: string): RecordedRequest[] {
    return this.requests.filter((r) => r.botMethod === botMethod);
  }

  /** Stops the server. */
  async close(): Promise<void> {
    await this.#server.shutdown();
  }

  async #handle(req: Request, remotePort: number): Promise<Response> {
    const url = new URL(req.url);
    const path = decodeURIComponent(url.pathname);
    if (path.startsWith("/file/")) {
      const filePath = path.split("/").slice(3).join("/");
      const bytes = this.files.get(filePath) ?? this.files.get(filePath.replace(/^test\//, ""));
      this.requests.push(record(req, path, "", "empty", { remotePort }));
      if (!bytes) return fail(404, "Not Found");
      return typeof bytes === "function" ? bytes() : new Response(bytes as Uint8Array<ArrayBuffer>);
    }
    const botMethod = path.slice(path.lastIndexOf("/") + 1);
    const contentType = req.headers.get("content-type") ?? "";
    let recorded: RecordedRequest;
    if (this.countOnly.has(botMethod)) {
      let size = 0;
      let head = "";
      for await (const chunk of req.body ?? []) {
        if (head.length < 4096) head += decoder.decode(chunk.subarray(0, 4096));
        size += chunk.byteLength;
      }
      recorded = record(req, path, botMethod, "other", {
        head: head.slice(0, 4096),
        bodySize: size,
        remotePort,
      });
    } else if (contentType.startsWith("multipart/form-data")) {
      const raw = new Uint8Array(await req.arrayBuffer());
      const form = await new Response(raw as Uint8Array<ArrayBuffer>, {
        headers: { "content-type": contentType },
      })
        .formData();
      const fields: Record<string, string> = {};
      const files: Record<string, ReceivedFile> = {};
      for (const [name, value] of form) {
        if (typeof value === "string") fields[name] = value;
        else {
          files[name] = {
            name: value.name,
            size: value.size,
            type: value.type,
            bytes: value.size <= 1 << 20 ? new Uint8Array(await value.arrayBuffer()) : undefined,
          };
        }
      }
      recorded = record(req, path, botMethod, "multipart", {
        fields,
        files,
        head: decoder.decode(raw.subarray(0, 4096)),
        bodySize: raw.byteLength,
        remotePort,
      });
    } else {
      const text = await req.text();
      const json = contentType.startsWith("application/json") && text ? JSON.parse(text) : undefined;
      recorded = record(req, path, botMethod, json ? "json" : text ? "other" : "empty", {
        json,
        head: text.slice(0, 4096),
        bodySize: text.length,
        remotePort,
      });
    }
    this.requests.push(recorded);
    const queue = this.#handlers.get(botMethod);
    const handler = queue && queue.length > 1 ? queue.shift() : queue?.[0];
    const answer = handler ? await handler(recorded) : true;
    return answer instanceof Response ? answer : Response.json({ ok: true, result: answer });
  }
}

function record(
  req: Request,
  path: string,
  botMethod: string,
  kind: RecordedRequest["kind"],
  extra: Partial<RecordedRequest>,
): RecordedRequest {
  return {
    httpMethod: req.method,
    path,
    botMethod,
    contentType: req.headers.get("content-type") ?? "",
    kind,
    fields: {},
    files: {},
    head: "",
    bodySize: 0,
    remotePort: 0,
    ...extra,
  };
}

/** A loopback port with nothing listening on it (bound, then released). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}
