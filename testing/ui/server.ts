/**
 * The web UI's HTTP server: the page, its JSON requests, the files of the world, and a Server-Sent Events
 * stream of what changes. It listens on its own port, on loopback unless told otherwise.
 *
 * @module
 */
import { machineHostname } from "../../platform/hostname.ts";
import { serve, type Server } from "../../platform/serve.ts";
import type { BotApiEmulator } from "../emulator.ts";
import { ApiFailure, ObservationTimeout, ScriptError } from "../failure.ts";
import type { Obj } from "../types.ts";
import type { WorldChange } from "../world.ts";
import { UiActions } from "./actions.ts";
import { type Asset, loadAssets } from "./assets.ts";
import { EventHub } from "./events.ts";
import { chatByKey, chatKey, chatsOf, chatView, messageView, personView } from "./view.ts";

/** Options of {@link WebUi.start}. */
export interface WebUiOptions {
  /** Port of the page; 0 (default) picks a free one. */
  readonly port?: number;
  /**
   * Interface to listen on; default `127.0.0.1`, so only this machine reaches the page. `0.0.0.0` opens it
   * to the network: anyone who reaches it can act as any user.
   */
  readonly hostname?: string;
  /**
   * More names the page may be addressed by (a LAN name, e.g. `ui.example.lan`). Every request's Host is
   * checked, so a foreign site whose name resolves to this machine (DNS rebinding) is refused. Always
   * accepted: the address it listens on and `localhost`; on all interfaces (`0.0.0.0`, `::`), any IP
   * address and the machine's host name too.
   */
  readonly allowedHosts?: readonly string[];
}

/** A chat's reply keyboards: the one everyone sees, and those of users a `selective` one was for. */
interface ChatKeyboards {
  all: Obj | null;
  readonly users: Map<number, Obj | null>;
}

/** Whether a host name, as the URL parser normalises it, is an IP address rather than a name. */
function isIpLiteral(name: string): boolean {
  return name.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(name);
}

/**
 * What the page may load: only its own files (bots' files included, they are served here too), so text or a
 * link from a bot can never run script in it; nor may another site frame it.
 */
const PAGE_POLICY =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: JSON_HEADERS });
}

function problem(message: string, status = 400): Response {
  return json({ error: message }, status);
}

/**
 * A Telegram-like page over an emulator: pick a user, open a private chat, a group or a channel, and talk
 * to the bots pointed at the emulator, with live updates.
 *
 * @example
 * ```ts
 * import { BotApiEmulator, WebUi } from "@telepot/telepot-ts/testing";
 * const emu = await BotApiEmulator.start();
 * emu.createBot({ username: "echo_bot" });
 * emu.createUser({ first_name: "Alice" });
 * const ui = await WebUi.start(emu);
 * console.log(`open ${ui.url}`);
 * await ui.close();
 * await emu.close();
 * ```
 */
export class WebUi {
  readonly #emu: BotApiEmulator;
  readonly #actions: UiActions;
  readonly #hub = new EventHub();
  readonly #closing = new AbortController();
  /**
   * The reply keyboard each chat shows now, by chat key (bots send them; messages do not carry them):
   * the one for everyone, and the users a `selective` keyboard (or its removal) was meant for.
   */
  readonly #keyboards = new Map<string, ChatKeyboards>();
  readonly #assets: Map<string, Asset>;
  #stopWatching: () => void = () => {};
  #server: Server | null = null;
  #url = "";
  /** Host headers accepted as they are (name and port). */
  #hosts = new Set<string>();
  /** Host names accepted with any port (lower case). */
  #names = new Set<string>();
  /** Whether any IP address is an accepted Host (the page listens on all interfaces). */
  #anyAddress = false;

  private constructor(emu: BotApiEmulator, assets: Map<string, Asset>) {
    this.#emu = emu;
    this.#actions = new UiActions(emu, this.#closing.signal);
    this.#assets = assets;
  }

  /** Serves the page for `emu`; resolves once it listens (see {@link url}). */
  static async start(emu: BotApiEmulator, options: WebUiOptions = {}): Promise<WebUi> {
    const ui = new WebUi(emu, await loadAssets());
    const hostname = options.hostname ?? "127.0.0.1";
    for (const name of options.allowedHosts ?? []) ui.#names.add(name.toLowerCase());
    if (hostname === "0.0.0.0" || hostname === "::") {
      // Reached by any of the machine's addresses or by its name; any other name that resolves here is a
      // foreign site's.
      ui.#anyAddress = true;
      ui.#names.add("localhost");
      const machine = await machineHostname();
      if (machine !== undefined) ui.#names.add(machine.toLowerCase());
    }
    ui.#server = await serve((request, gone) => ui.#handle(request, gone), {
      port: options.port ?? 0,
      hostname,
    });
    const { hostname: host, port } = new URL(ui.#server.origin);
    ui.#url = `${ui.#server.origin}/`;
    for (const name of [host, "localhost", "127.0.0.1", "[::1]"]) ui.#hosts.add(`${name}:${port}`);
    ui.#stopWatching = emu.world.watch((change) => ui.#publish(change));
    return ui;
  }

  /** Address of the page, e.g. `http://127.0.0.1:41234/`. */
  get url(): string {
    return this.#url;
  }

  /** Stops serving: live streams end, the server shuts down. */
  async close(): Promise<void> {
    this.#stopWatching();
    this.#closing.abort();
    this.#hub.close();
    await this.#server?.shutdown();
    this.#server = null;
  }

  /** `await using ui = await WebUi.start(emu)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #publish(change: WorldChange): void {
    // A view must never break the Bot API call that changed the world.
    try {
      this.#hub.send(this.#eventOf(change));
    } catch (e) {
      console.error("WebUi: could not publish a change", e instanceof Error ? e.message : e);
    }
  }

  #eventOf(change: WorldChange): Obj {
    switch (change.kind) {
      case "message":
      case "edit":
        return {
          kind: change.kind,
          chat: chatKey(change.chat),
          message: messageView(change.chat, change.message),
        };
      case "delete":
        return { kind: "delete", chat: chatKey(change.chat), id: change.messageId };
      case "action":
        return {
          kind: "action",
          chat: chatKey(change.chat),
          who: change.bot.user.first_name,
          action: change.action,
        };
      case "keyboard": {
        const key = chatKey(change.chat);
        const { markup, users } = change;
        const shown = markup.keyboard !== undefined
          ? markup
          : markup.remove_keyboard !== undefined
          ? null
          : undefined;
        if (shown !== undefined) {
          let keyboards = this.#keyboards.get(key);
          if (keyboards === undefined) this.#keyboards.set(key, keyboards = { all: null, users: new Map() });
          if (users === undefined) {
            keyboards.all = shown;
            keyboards.users.clear();
          } else {
            for (const id of users) keyboards.users.set(id, shown);
          }
        }
        // Each page shows only what is meant for its user; a force_reply alone leaves the keyboard be.
        return {
          kind: "keyboard",
          chat: key,
          ...(shown !== undefined ? { markup: shown } : {}),
          ...(markup.force_reply !== undefined ? { forceReply: true } : {}),
          ...(users !== undefined ? { users } : {}),
        };
      }
      case "member":
      case "chat":
        return { kind: "chats", chat: chatKey(change.chat) };
      case "account":
        return { kind: "accounts" };
    }
  }

  async #handle(request: Request, gone: AbortSignal): Promise<Response> {
    const url = new URL(request.url);
    // Loopback pages are still reachable from other sites through the browser: a foreign Host (DNS
    // rebinding) or Origin (a form on another site) is refused.
    if (!this.#hostAllowed(request.headers.get("host") ?? "")) return problem("unknown host", 403);
    if (request.method !== "GET" && request.method !== "HEAD") {
      const origin = request.headers.get("origin");
      if (origin !== null && origin !== `${url.protocol}//${request.headers.get("host")}`) {
        return problem("cross-origin request refused", 403);
      }
    }
    try {
      return await this.#route(request, url, gone);
    } catch (e) {
      if (e instanceof ScriptError || e instanceof ObservationTimeout) return problem(e.message);
      if (e instanceof ApiFailure) return problem(e.description);
      console.error("WebUi: internal error", e instanceof Error ? e.message : e);
      return problem("internal error", 500);
    }
  }

  #hostAllowed(host: string): boolean {
    if (this.#hosts.has(host)) return true;
    let name: string;
    try {
      name = new URL(`http://${host}`).hostname;
    } catch {
      return false;
    }
    return this.#names.has(name) || (this.#anyAddress && isIpLiteral(name));
  }

  async #route(request: Request, url: URL, gone: AbortSignal): Promise<Response> {
    const path = url.pathname;
    const world = this.#emu.world;
    if (request.method === "HEAD") {
      // As GET, without the body (a link checker or `curl -I`); the event stream is not opened for it.
      if (path === "/events") {
        return new Response(null, {
          headers: { "content-type": "text/event-stream", "cache-control": "no-store" },
        });
      }
      const answer = await this.#route(new Request(request.url, { headers: request.headers }), url, gone);
      await answer.body?.cancel();
      return new Response(null, { status: answer.status, headers: answer.headers });
    }
    if (request.method === "GET") {
      const asset = this.#assets.get(path === "/" ? "/index.html" : path);
      if (asset !== undefined) {
        return new Response(asset.body, {
          headers: {
            "content-type": asset.type,
            "cache-control": "no-store",
            "content-security-policy": PAGE_POLICY,
          },
        });
      }
      if (path === "/events") return this.#hub.stream(gone);
      if (path === "/api/world") {
        return json({
          users: [...world.users.values()].map(personView),
          bots: [...world.bots.values()].map((b) => personView(b.user)),
        });
      }
      if (path === "/api/chats") {
        const user = world.users.get(Number(url.searchParams.get("user")));
        if (user === undefined) return problem("unknown user", 404);
        return json(chatsOf(world, user));
      }
      if (path === "/api/chat") {
        const state = chatByKey(world, url.searchParams.get("key") ?? "");
        if (state === undefined) return problem("unknown chat", 404);
        const key = chatKey(state);
        const keyboards = this.#keyboards.get(key);
        const user = Number(url.searchParams.get("user"));
        return json({
          chat: chatView(world, state),
          messages: state.log.flatMap((m) => m === undefined ? [] : [messageView(state, m)]),
          keyboard: keyboards === undefined
            ? null
            : keyboards.users.has(user)
            ? keyboards.users.get(user)
            : keyboards.all,
        });
      }
      if (path.startsWith("/files/")) {
        let fileId: string;
        try {
          fileId = decodeURIComponent(path.slice(7));
        } catch {
          return problem("the file id is not valid percent-encoding");
        }
        return this.#file(fileId);
      }
      return problem("not found", 404);
    }
    if (request.method !== "POST") return problem("method not allowed", 405);
    if (path === "/api/upload") {
      // The page sends its files as multipart/form-data; any other body is the sender's mistake.
      const form = await request.formData().catch(() => undefined);
      if (form === undefined) return problem("send the file as multipart/form-data");
      const file = form.get("file");
      if (!(file instanceof File)) return problem("no file");
      const replyTo = form.get("replyTo");
      await this.#actions.upload(
        form.get("user"),
        form.get("chat"),
        file,
        String(form.get("caption") ?? ""),
        replyTo === null ? undefined : Number(replyTo),
      );
      return json({ ok: true });
    }
    if (!(request.headers.get("content-type") ?? "").startsWith("application/json")) {
      return problem("send JSON", 415);
    }
    const body = await request.json().catch(() => undefined);
    if (typeof body !== "object" || body === null) return problem("the body is not a JSON object");
    return json(await this.#act(path, body as Obj));
  }

  async #act(path: string, b: Obj): Promise<unknown> {
    const actions = this.#actions;
    switch (path) {
      case "/api/send":
        await actions.send(
          b.user,
          b.chat,
          String(b.text ?? ""),
          b.replyTo === undefined ? undefined : Number(b.replyTo),
        );
        return { ok: true };
      case "/api/press":
        return { answer: await actions.press(b.user, b.chat, b.message, Number(b.row), Number(b.column)) };
      case "/api/inline":
        return await actions.inline(
          b.user,
          b.chat,
          String(b.bot),
          String(b.query ?? ""),
          String(b.offset ?? ""),
        );
      case "/api/choose":
        await actions.choose(b.user, b.chat, String(b.query), String(b.result));
        return { ok: true };
      case "/api/vote":
        await actions.vote(b.user, b.chat, b.message, Number(b.option));
        return { ok: true };
      case "/api/pay":
        return await actions.pay(b.user, b.chat, b.message);
      case "/api/users":
        return { id: actions.createUser(String(b.name ?? "")) };
      case "/api/chats":
        return {
          key: actions.createChat(b.user, String(b.title ?? ""), String(b.type), b.bots ?? []),
        };
      case "/api/members":
        await actions.addMember(b.user, b.chat, b.member);
        return { ok: true };
      default:
        throw new ScriptError(`unknown action ${path}`);
    }
  }

  #file(fileId: string): Response {
    const file = this.#emu.world.files.get(fileId);
    if (file === undefined) return problem("no such file", 404);
    const name = file.file_name ?? file.file_path.slice(file.file_path.lastIndexOf("/") + 1);
    return new Response(file.bytes, {
      headers: {
        "content-type": file.mime_type ?? "application/octet-stream",
        "content-disposition": `inline; filename*=UTF-8''${encodeURIComponent(name)}`,
        "x-content-type-options": "nosniff",
        // Files come from bots and users: opened on their own they must not run as the page.
        "content-security-policy": "sandbox",
      },
    });
  }
}
