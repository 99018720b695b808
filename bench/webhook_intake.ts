/**
 * CPU the webhook intake costs per request, against a bare `Deno.serve` handler in the same run:
 * `deno run -A bench/webhook_intake.ts [requests] [rounds]`.
 *
 * Each round starts three server processes in turn, "bare" (`await req.json()`, answer 200), "ours"
 * (`webhookHandler` of a bot whose `messageLoop` handler does nothing, memory journal) and
 * "ours-secret" (the same with a `secretToken` to check), and POSTs `requests` message updates to
 * each from this process over loopback, 40 at a time as Telegram's default `max_connections` does.
 * What is measured is the server process's CPU time (user + system, from /proc) over those requests,
 * after a warm-up; the load generator's CPU is not counted. The figures printed are the medians over
 * the rounds: µs per request of each, ours ÷ bare, and ours − bare (what the intake and the receiver
 * add). Every request carries the secret header, so that all three parse the same requests.
 *
 * @module
 */
import { Bot, webhookHandler } from "../bot/mod.ts";
import { listen } from "./e2e/bots/config.ts";
import { firstLine } from "./e2e/first_line.ts";
import { cpuMs } from "./e2e/proc.ts";
import { median } from "./median.ts";

const CONNECTIONS = 40;
const WARM_UP = 5_000;
const CHATS = 1_000;

const SECRET = "bench_secret-token";
const MODES = ["bare", "ours", "ours-secret"] as const;
type Mode = typeof MODES[number];

/** Serves one mode on a free port, prints `{"url": …}`, and serves until killed. */
function serveMode(mode: Mode): void {
  let handler: (req: Request) => Promise<Response>;
  if (mode === "bare") {
    handler = async (req) => {
      await req.json();
      return new Response(null, { status: 200 });
    };
  } else {
    const bot = new Bot("1:intake");
    handler = webhookHandler(bot, mode === "ours-secret" ? { secretToken: SECRET } : {});
    bot.messageLoop(() => {});
  }
  listen(handler).then((url) => console.log(JSON.stringify({ url })));
}

/** A message update as Telegram sends it, `id` its update_id. */
function updateText(id: number): string {
  const chat = 100_000 + (id % CHATS);
  return JSON.stringify({
    update_id: id,
    message: {
      message_id: id,
      from: { id: chat, is_bot: false, first_name: "User", username: `user${chat}`, language_code: "en" },
      chat: { id: chat, first_name: "User", username: `user${chat}`, type: "private" },
      date: 1_767_000_000 + id,
      text: `message number ${id}, a few words long like most`,
    },
  });
}

/** POSTs `bodies` to `url`, `CONNECTIONS` at a time; throws on an answer other than 200. */
async function post(url: string, bodies: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body,
      });
      await res.body?.cancel();
      if (res.status !== 200) throw new Error(`answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
}

/** CPU µs per request of one server process of `mode` over `bodies`, after the warm-up ones. */
async function measure(mode: Mode, warmUp: readonly string[], bodies: readonly string[]): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "serve", mode],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const { url } = JSON.parse(await firstLine(child.stdout, `the ${mode} server`));
    await post(url, warmUp);
    const before = cpuMs(child.pid)!;
    await post(url, bodies);
    const after = cpuMs(child.pid)!;
    return ((after - before) * 1000) / bodies.length;
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

async function main(requests: number, rounds: number): Promise<void> {
  const texts = Array.from({ length: WARM_UP + requests }, (_, i) => updateText(i + 1));
  const warmUp = texts.slice(0, WARM_UP);
  const bodies = texts.slice(WARM_UP);
  const results: Record<Mode, number[]> = { bare: [], ours: [], "ours-secret": [] };
  for (let round = 0; round < rounds; round++) {
    // Each round starts with another mode, so that a drift in the machine's load falls on all alike.
    const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]);
    for (const mode of order) results[mode].push(await measure(mode, warmUp, bodies));
    console.log(
      `round ${round + 1}: ${MODES.map((m) => `${m} ${results[m].at(-1)!.toFixed(1)} µs`).join(", ")}`,
    );
  }
  const bare = median(results.bare);
  console.log(`webhook intake, ${requests} requests × ${rounds} rounds, CPU per request (median):`);
  console.log(`  bare (req.json()): ${bare.toFixed(1)} µs`);
  for (const mode of MODES.slice(1)) {
    const ours = median(results[mode]);
    console.log(
      `  ${mode}: ${ours.toFixed(1)} µs; ÷ bare ${(ours / bare).toFixed(2)}, − bare ${
        (ours - bare).toFixed(1)
      } µs`,
    );
  }
}

if (Deno.args[0] === "serve") serveMode(Deno.args[1] as Mode);
else await main(Number(Deno.args[0] ?? 30_000), Number(Deno.args[1] ?? 3));
