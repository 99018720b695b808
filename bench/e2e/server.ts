/**
 * The loopback Bot API server of the end-to-end bench: small and fast, run in its own process
 * (`deno run -A bench/e2e/server.ts` prints `{"apiRoot": …}` on its first line).
 *
 * Per bot token it serves one scenario (see `scenario.ts`): `getUpdates` (offset, limit, long-polling
 * timeout), `sendMessage` (recorded in a {@link ReplyLedger}, with injected faults), `getMe`,
 * `setWebhook`/`deleteWebhook`/`getWebhookInfo`, and for a webhook pushes the updates to the bot
 * ({@link WebhookPusher}). Updates are held back until the harness releases them, so a bot's start-up
 * is not timed. Control routes for the harness:
 *
 * - `POST /control/scenario` `{ token, ...ScenarioSpec }`: a fresh scenario for `token`;
 * - `POST /control/go` `{ token }`: release the updates and start the clock;
 * - `GET /control/status?token=…`: a {@link ScenarioStatus};
 * - `POST /control/end` `{ token }`: forget the scenario.
 *
 * @module
 */
import { seededRandom } from "../../examples/_seeded_random.ts";
import { ReplyLedger, type ScenarioSpec, type ScenarioStatus, updateTexts } from "./scenario.ts";
import { WebhookPusher } from "./webhook_pusher.ts";

type Params = Record<string, unknown>;

const JSON_HEADERS = { "content-type": "application/json" };
const TRUE = `{"ok":true,"result":true}`;

function json(text: string, status = 200): Response {
  return new Response(text, { status, headers: JSON_HEADERS });
}

function failure(code: number, description: string, retryAfter?: number): Response {
  const parameters = retryAfter === undefined ? {} : { parameters: { retry_after: retryAfter } };
  return json(JSON.stringify({ ok: false, error_code: code, description, ...parameters }), code);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One bot's scenario and its progress. */
class BotScenario {
  readonly spec: ScenarioSpec;
  readonly texts: string[];
  readonly ledger: ReplyLedger;
  readonly #random: () => number;
  ready = false;
  startedAt: number | undefined;
  /** Highest `update_id` confirmed through an offset. */
  confirmed = 0;
  faults = 0;
  // Seconds of retry_after given to each chat, and the most any chat got.
  readonly #floodWait = new Map<number, number>();
  floodWait = 0;
  polls = 0;
  polled = 0;
  webhook: { url: string; maxConnections: number } | undefined;
  pusher: WebhookPusher | undefined;
  ended = false;
  readonly #released = Promise.withResolvers<void>();
  readonly #ended = Promise.withResolvers<void>();

  constructor(spec: ScenarioSpec) {
    this.spec = spec;
    this.texts = updateTexts(spec);
    this.ledger = new ReplyLedger(spec);
    this.#random = seededRandom(spec.updates * 31 + spec.chats);
  }

  /**
   * Settles when a waiting `getUpdates` may find something new: at the release, or (once released,
   * since no update comes after it) only when the scenario ends.
   */
  get wake(): Promise<void> {
    return this.startedAt === undefined ? this.#released.promise : this.#ended.promise;
  }

  go(): void {
    if (this.startedAt !== undefined) return;
    this.startedAt = performance.now();
    this.#released.resolve();
    if (this.webhook) {
      this.pusher = new WebhookPusher(
        this.webhook.url,
        this.texts,
        this.spec.chats,
        this.webhook.maxConnections,
        this.spec.latencyMs,
      );
      this.pusher.start();
    }
  }

  end(): void {
    this.ended = true;
    this.pusher?.stop();
    this.#released.resolve();
    this.#ended.resolve();
  }

  /** The next injected fault of a `sendMessage` to `chatId`, if this call gets one. */
  fault(chatId: number): Response | undefined {
    if (this.spec.faultRate <= 0) return undefined;
    const roll = this.#random();
    if (roll >= this.spec.faultRate) return undefined;
    this.faults++;
    if (roll < this.spec.faultRate / 2) return failure(500, "Internal Server Error");
    const waited = (this.#floodWait.get(chatId) ?? 0) + this.spec.retryAfter;
    this.#floodWait.set(chatId, waited);
    this.floodWait = Math.max(this.floodWait, waited);
    return failure(429, `Too Many Requests: retry after ${this.spec.retryAfter}`, this.spec.retryAfter);
  }

  status(): ScenarioStatus {
    const { ledger, startedAt } = this;
    const end = ledger.complete ? ledger.lastAnswerAt : performance.now();
    return {
      ready: this.ready,
      started: startedAt !== undefined,
      answered: ledger.answered,
      duplicates: ledger.duplicates,
      outOfOrder: ledger.outOfOrder,
      wrong: ledger.wrong,
      faults: this.faults,
      floodWaitMs: this.floodWait * 1000,
      polls: this.polls,
      polled: this.polled,
      elapsedMs: startedAt === undefined ? 0 : end - startedAt,
      done: ledger.complete,
    };
  }
}

const scenarios = new Map<string, BotScenario>();

async function readParams(req: Request, query: string): Promise<Params> {
  const params: Params = {};
  if (query !== "") { for (const [k, v] of new URLSearchParams(query)) params[k] = v; }
  if (req.method !== "POST" || req.body === null) return params;
  const type = req.headers.get("content-type") ?? "";
  if (type.startsWith("application/json")) {
    const text = await req.text();
    if (text !== "") Object.assign(params, JSON.parse(text));
  } else if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
    for (const [k, v] of await req.formData()) params[k] = v;
  } else {
    await req.body.cancel();
  }
  return params;
}

async function getUpdates(scenario: BotScenario, params: Params): Promise<Response> {
  if (scenario.webhook) {
    return failure(
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook first",
    );
  }
  scenario.ready = true;
  const offset = Number(params.offset ?? 0);
  const limit = Math.min(100, Math.max(1, Number(params.limit ?? 100)));
  const timeout = Number(params.timeout ?? 0);
  const total = scenario.texts.length;
  if (offset > 0) scenario.confirmed = Math.min(total, Math.max(scenario.confirmed, offset - 1));
  const available = () => scenario.startedAt !== undefined && scenario.confirmed < total;
  if (!available() && timeout > 0) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      scenario.wake,
      new Promise((resolve) => timer = setTimeout(resolve, timeout * 1000)),
    ]);
    clearTimeout(timer);
  }
  if (!available() || scenario.ended) return json(`{"ok":true,"result":[]}`);
  const batch = scenario.texts.slice(scenario.confirmed, scenario.confirmed + limit);
  scenario.polls++;
  scenario.polled += batch.length;
  return json(`{"ok":true,"result":[${batch.join(",")}]}`);
}

function sendMessage(scenario: BotScenario, params: Params): Response {
  const chatId = Number(params.chat_id);
  const fault = scenario.fault(chatId);
  if (fault) return fault;
  const text = String(params.text ?? "");
  scenario.ledger.record(chatId, text);
  return json(
    `{"ok":true,"result":{"message_id":1,"date":1700000000,"chat":{"id":${chatId},"type":"private"},`
      + `"from":{"id":1,"is_bot":true,"first_name":"Bench"},"text":${JSON.stringify(text)}}}`,
  );
}

async function botMethod(token: string, method: string, req: Request, query: string): Promise<Response> {
  const scenario = scenarios.get(token);
  if (scenario === undefined) return failure(401, "Unauthorized");
  const params = await readParams(req, query);
  if (scenario.spec.latencyMs > 0) await sleep(scenario.spec.latencyMs);
  switch (method) {
    case "getUpdates":
      return await getUpdates(scenario, params);
    case "sendMessage":
      return sendMessage(scenario, params);
    case "getMe":
      return json(
        `{"ok":true,"result":{"id":${token.split(":")[0]},"is_bot":true,"first_name":"Bench",`
          + `"username":"bench_bot","can_join_groups":true,"can_read_all_group_messages":false,`
          + `"supports_inline_queries":false}}`,
      );
    case "setWebhook": {
      const url = String(params.url ?? "");
      if (url === "") {
        scenario.webhook = undefined;
        return json(TRUE);
      }
      scenario.webhook = { url, maxConnections: Number(params.max_connections ?? 40) };
      scenario.ready = true;
      return json(TRUE);
    }
    case "deleteWebhook":
      scenario.webhook = undefined;
      return json(TRUE);
    case "getWebhookInfo":
      return json(JSON.stringify({
        ok: true,
        result: { url: scenario.webhook?.url ?? "", has_custom_certificate: false, pending_update_count: 0 },
      }));
    case "close":
    case "logOut":
      return json(TRUE);
    default:
      return failure(404, "Not Found: method not found");
  }
}

async function control(action: string, req: Request, query: string): Promise<Response> {
  const params = await readParams(req, query);
  const token = String(params.token ?? "");
  switch (action) {
    case "scenario": {
      scenarios.get(token)?.end();
      scenarios.set(token, new BotScenario(params as unknown as ScenarioSpec));
      return json(TRUE);
    }
    case "go":
    case "status":
    case "end": {
      const scenario = scenarios.get(token);
      if (scenario === undefined) return failure(404, "no such scenario");
      if (action === "go") scenario.go();
      if (action === "end") {
        scenario.end();
        scenarios.delete(token);
      }
      return json(JSON.stringify(scenario.status()));
    }
    default:
      return failure(404, "no such control route");
  }
}

/** Answers one request: a Bot API call (`/bot<token>/<method>`) or a control route. */
export function serve(req: Request): Promise<Response> | Response {
  const url = req.url;
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  const queryStart = url.indexOf("?", pathStart);
  const path = queryStart === -1 ? url.slice(pathStart) : url.slice(pathStart, queryStart);
  const query = queryStart === -1 ? "" : url.slice(queryStart + 1);
  if (path.startsWith("/bot")) {
    const slash = path.indexOf("/", 4);
    if (slash !== -1) {
      return botMethod(decodeURIComponent(path.slice(4, slash)), path.slice(slash + 1), req, query);
    }
  }
  if (path.startsWith("/control/")) return control(path.slice(9), req, query);
  return failure(404, "Not Found");
}

if (import.meta.main) {
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => console.log(JSON.stringify({ apiRoot: `http://127.0.0.1:${port}` })),
    onError: () => failure(500, "Internal Server Error"),
  }, serve);
  Deno.addSignalListener("SIGTERM", () => void server.shutdown().then(() => Deno.exit(0)));
}
