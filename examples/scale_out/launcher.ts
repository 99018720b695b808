/**
 * `deno task scale [--workers N] [--updates N] [--chats N] [--kill] [--redis URL]`: the scale-out
 * demo on this machine. It starts a redis-server on a free loopback port (unless `--redis` names one),
 * the Bot API emulator, a polling receiver and N echo workers (default 3), each its own process; then
 * scripted users send the updates (default 10,000 over 500 chats) and every reply is checked: each
 * chat's replies in order, and who handled how many. `--kill` kills one worker with kill -9 halfway
 * and starts it again: its partitions are taken over when its lease expires (3 s here).
 *
 * @module
 */
import { BotApiEmulator } from "../../testing/mod.ts";

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const workers = Number(flag("workers") ?? 3);
const updates = Number(flag("updates") ?? 10_000);
const chats = Number(flag("chats") ?? 500);
const perChat = Math.ceil(updates / chats);
const kill = Deno.args.includes("--kill");

async function answers(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("PING\r\n"));
    const buf = new Uint8Array(8);
    const n = await conn.read(buf);
    conn.close();
    return new TextDecoder().decode(buf.subarray(0, n ?? 0)).startsWith("+PONG");
  } catch {
    return false;
  }
}

let redisServer: Deno.ChildProcess | undefined;
let redisUrl = flag("redis");
if (redisUrl === undefined) {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  redisServer = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdout: "null",
  }).spawn();
  redisUrl = `redis://127.0.0.1:${port}`;
  while (!(await answers(port))) await new Promise((r) => setTimeout(r, 50));
}

const children = new Set<Deno.ChildProcess>();

const emu = await BotApiEmulator.start();
const bot = emu.createBot({ username: "scale_bot" });
const env = { TOKEN: bot.token, API_ROOT: emu.apiRoot, REDIS_URL: redisUrl };
function spawn(script: string): Deno.ChildProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(script, import.meta.url).pathname],
    env,
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  children.add(child);
  return child;
}
spawn("./receiver.ts");
const pool = Array.from({ length: workers }, () => spawn("./worker.ts"));
console.log(`redis ${redisUrl}, emulator ${emu.apiRoot}, 1 receiver, ${workers} workers`);

const users = Array.from({ length: chats }, (_, i) => emu.createUser({ first_name: `User${i}` }));
const byWorker = new Map<string, number>();
let replies = 0;
let repeated = 0;
let disorder = 0;
const started = Date.now();
// Per chat, each reply must answer the next message; one answering an earlier message again is a
// repeat (an update a killed worker was handling), anything else is out of order.
const checking = users.map(async (user) => {
  let last = 0;
  while (last < perChat) {
    const reply = await emu.nextBotMessage(user.id, { timeout: 120 });
    const [text, worker] = String(reply.text).split(" ← worker ");
    const n = Number(text);
    if (n === last + 1) {
      last = n;
      replies++;
    } else if (n <= last) {
      repeated++;
    } else {
      disorder++;
      last = n;
      replies++;
    }
    byWorker.set(worker, (byWorker.get(worker) ?? 0) + 1);
  }
});
for (let n = 1; n <= perChat; n++) for (const user of users) await user.sendText(user.id, String(n));

const total = perChat * chats;
let killed = false;
let ticks = 0;
const progress = setInterval(() => {
  if (++ticks % 10 === 0) {
    console.log(`${((Date.now() - started) / 1000).toFixed(1)} s: ${replies} of ${total} answered`);
  }
  if (kill && !killed && replies >= total / 2) {
    killed = true;
    const victim = pool[0];
    console.log(`kill -9 worker ${victim.pid}; starting another`);
    victim.kill("SIGKILL");
    children.delete(victim);
    pool[0] = spawn("./worker.ts");
  }
}, 100);
await Promise.all(checking);
clearInterval(progress);
console.log(
  `${total} messages answered in ${
    ((Date.now() - started) / 1000).toFixed(1)
  } s: ${repeated} answered twice, ${disorder} out of order`,
);
for (const [worker, count] of byWorker) console.log(`  worker ${worker}: ${count}`);
for (const child of children) child.kill("SIGTERM");
for (const child of children) await child.status;
redisServer?.kill("SIGTERM");
await redisServer?.status;
await emu.close();
