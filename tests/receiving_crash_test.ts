// Delivery guarantees with real processes: the emulator in its own process keeps its state while a
// bot process is killed with kill -9 mid-run, restarted, stopped with SIGTERM mid-run, restarted, and
// left to finish. For each kind of bot (a plain loop; DelegatorBot with a ChatHandler, a createOpen
// class, a listener.wait() conversation), by polling and by webhook, with the memory and the SQLite
// journal: nothing lost, each chat in order, duplicates only among updates in flight at the kill.
import assert from "node:assert/strict";
import { EmulatorProcess } from "./support/emulator_process.ts";
import {
  type BotConfig,
  distinct,
  type Done,
  doneLines,
  startBot,
  startedLines,
  waitFor,
} from "./support/receiving_harness.ts";

type Kind = BotConfig["kind"];
type Transport = BotConfig["transport"];

// The workload of every run: 2,000 updates of 50–200 ms over 200 chats.
const CHATS = 200;
const PER_CHAT = 10;

async function runOnce(kind: Kind, transport: Transport, durable: boolean): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "receiving_" });
  const emu = await EmulatorProcess.start();
  try {
    const chats = CHATS;
    const perChat = PER_CHAT;
    const total = chats * perChat;
    await emu.command({ send: { chats, perChat } });
    const config: BotConfig = {
      apiRoot: emu.apiRoot,
      token: emu.token,
      kind,
      transport,
      journal: durable ? `${dir}/bot.db` : "",
      out: `${dir}/out.txt`,
      slow: [50, 200],
    };
    const handled = () => distinct(doneLines(config.out));

    const killed = startBot(config);
    await waitFor(() => handled() >= total * 0.3, 120, "30 % handled before the kill");
    killed.kill("SIGKILL");
    await killed.status;
    assert.ok(handled() < total, "the kill came mid-run");
    const { firstId: unconfirmedFrom } = await emu.command({ pending: true });

    const stopped = startBot(config);
    await waitFor(() => handled() >= total * 0.65, 120, "65 % handled before SIGTERM");
    stopped.kill("SIGTERM");
    assert.equal((await stopped.status).code, 0, "SIGTERM stops gracefully");
    assert.ok(handled() < total, "SIGTERM came mid-run");
    // A graceful stop lets what it started finish: each handling it began, it also ended.
    const ran = (d: { chat: number; n: number }) => `${d.chat} ${d.n}`;
    const finished = new Set(doneLines(config.out).filter((d) => d.pid === stopped.pid).map(ran));
    const cut = startedLines(config.out).filter((s) => s.pid === stopped.pid && !finished.has(ran(s))).map(
      ran,
    );
    assert.deepEqual(cut, [], "handlings the stopped process began and did not end");

    const last = startBot(config);
    await waitFor(() => handled() === total, 180, "every update handled");
    await waitFor(async () => (await emu.command({ pending: true })).pending === 0, 30, "all confirmed");
    last.kill("SIGTERM");
    assert.equal((await last.status).code, 0);

    check(doneLines(config.out), { chats, perChat, killedPid: killed.pid, unconfirmedFrom, durable });
  } finally {
    await emu.close();
    await Deno.remove(dir, { recursive: true });
  }
}

interface Expect {
  readonly chats: number;
  readonly perChat: number;
  readonly killedPid: number;
  readonly unconfirmedFrom: number;
  readonly durable: boolean;
}

function check(done: readonly Done[], expect: Expect): void {
  const byChat = new Map<number, Done[]>();
  for (const d of done) {
    let list = byChat.get(d.chat);
    if (!list) byChat.set(d.chat, list = []);
    list.push(d);
  }
  assert.equal(byChat.size, expect.chats, "every chat handled");
  for (const [chat, list] of byChat) {
    const firsts: number[] = [];
    const seen = new Set<number>();
    for (const d of list) {
      if (!seen.has(d.n)) firsts.push(d.n);
      seen.add(d.n);
    }
    const all = Array.from({ length: expect.perChat }, (_, i) => i + 1);
    assert.deepEqual(firsts, all, `chat ${chat}: nothing lost, in order`);
    const killedRun = list.filter((d) => d.pid === expect.killedPid);
    for (const pid of new Set(list.map((d) => d.pid))) {
      const run = list.filter((d) => d.pid === pid).map((d) => d.n);
      assert.ok(run.every((n, i) => i === 0 || n > run[i - 1]), `chat ${chat}: in order in process ${pid}`);
    }
    for (const n of all) {
      const copies = list.filter((d) => d.n === n);
      if (copies.length === 1) continue;
      const where = `chat ${chat} message ${n} handled ${copies.length} times`;
      assert.equal(copies.length, 2, where);
      // A duplicate comes only from the kill: its first handling was in the killed process.
      assert.equal(copies[0].pid, expect.killedPid, `${where}, not because of the kill`);
      if (expect.durable) {
        // In flight at the kill: a lane handles one update at a time, so it is the chat's last one.
        assert.equal(killedRun.at(-1)?.n, n, `${where}: not the one in flight at the kill`);
      } else {
        // Without a journal, in flight means not confirmed to Telegram yet.
        assert.ok(copies[0].updateId >= expect.unconfirmedFrom, `${where}: it had been confirmed`);
      }
    }
  }
}

const KINDS: readonly Kind[] = ["plain", "chathandler", "open", "wait"];

for (const kind of KINDS) {
  Deno.test({
    name: `receiving (${kind}): kill -9 and SIGTERM mid-run, polling and webhook, memory and SQLite journal: `
      + "0 lost, per-chat order, duplicates only in flight at the kill",
    fn: async (t) => {
      const runs: Promise<boolean>[] = [];
      for (const transport of ["polling", "webhook"] as const) {
        for (const durable of [false, true]) {
          runs.push(t.step({
            name: `${transport}, ${durable ? "SQLite" : "memory"} journal`,
            fn: () => runOnce(kind, transport, durable),
            sanitizeOps: false,
            sanitizeResources: false,
            sanitizeExit: false,
          }));
        }
      }
      await Promise.all(runs);
    },
  });
}
