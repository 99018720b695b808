// The Journal contract, run against both implementations, plus what only the SQLite file does:
// surviving a reopen, remembering acked ids, staying small; and a loop using it by path.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import type { Update } from "../api/types.gen.ts";
import type { Journal, JournalRecord } from "../bot/journal.ts";
import { MemoryJournal } from "../bot/memory_journal.ts";
import { Bot, type LoopMessage, UpdateQueue, webhookHandler } from "../bot/mod.ts";
import { consumeQueue } from "../bot/queue_source.ts";
import { Receiver, receiverOf } from "../bot/receiver.ts";
import { sqliteJournal } from "../bot/sqlite_journal.ts";
import { BadInput } from "../exception/bad_input.ts";
import { DeadLetterError } from "../exception/dead_letter.ts";
import { TelepotException } from "../exception/telepot_exception.ts";
import { UnusableFile } from "../exception/unusable_file.ts";
import { SqliteStorage } from "../storage/sqlite_storage.ts";
import { until } from "./support/until.ts";

function record(id: number, key = `c${id % 3}`, text = String(id)): JournalRecord {
  const update = {
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: id % 3, type: "private" }, text },
  };
  return { id, key, update: update as unknown as Update };
}

const implementations: Array<[string, () => Journal]> = [
  ["memory", () => new MemoryJournal()],
  ["SQLite", () => sqliteJournal(":memory:")],
];

for (const [name, make] of implementations) {
  Deno.test(`journal (${name}): append, take per lane in order, attempts, ack, dead letters, unacked`, async () => {
    const journal = make();
    await journal.open();
    const fresh = await journal.append([record(1), record(2), record(4), record(7)]);
    assert.deepEqual(fresh.map((r) => r.id), [1, 2, 4, 7]);
    assert.deepEqual(
      (await journal.append([record(4), record(10)])).map((r) => r.id),
      [10],
      "held ids left out",
    );
    assert.deepEqual(
      (await journal.append([record(13), record(2), record(16)])).map((r) => r.id),
      [13, 16],
      "a held id amid fresh ones left out",
    );
    const c1 = (await journal.take("c1", 10)).map((r) => `${r.id}:${r.attempts}`);
    assert.deepEqual(c1, ["1:0", "4:0", "7:0", "10:0", "13:0", "16:0"]);
    assert.deepEqual((await journal.take("c1", 2)).map((r) => r.id), [1, 4]);
    assert.equal(await journal.attempt(1), 1);
    assert.equal(await journal.attempt(1), 2);
    assert.equal((await journal.take("c1", 1))[0].attempts, 2);
    await journal.ack(1);
    assert.deepEqual((await journal.take("c1", 10)).map((r) => r.id), [4, 7, 10, 13, 16]);
    await journal.deadLetter(4, 3, "boom");
    assert.deepEqual((await journal.take("c1", 10)).map((r) => r.id), [7, 10, 13, 16]);
    const dead = await journal.deadLetters();
    assert.deepEqual(dead.map((d) => [d.id, d.key, d.attempts, d.reason]), [[4, "c1", 3, "boom"]]);
    assert.equal((dead[0].update as unknown as { message: { text: string } }).message.text, "4");
    assert.deepEqual((await journal.unacked()).map((r) => r.id).sort((a, b) => a - b), [2, 7, 10, 13, 16]);
    const lanes = (await journal.unacked()).map((r) => r.key);
    assert.deepEqual(lanes.filter((k) => k === "c1").length, 4, "each lane together, in order");
    await journal.ack(2);
    assert.deepEqual(await journal.take("c2", 10), [], "a lane of one record, acked, is gone");
    await journal.close();
  });
}

Deno.test("journal (SQLite): reopened, it has what was unacked with its attempts, and ignores acked ids sent again", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/bot.db`;
  const first = sqliteJournal(path);
  await first.open();
  first.append([record(1), record(2), record(3)]);
  first.attempt(2);
  first.ack(1);
  first.close();
  const second = sqliteJournal(path);
  await second.open();
  assert.deepEqual(second.unacked().map((r) => r.id).sort(), [2, 3]);
  assert.equal(second.take("c2", 1)[0].attempts, 1);
  assert.deepEqual(
    second.append([record(1), record(2), record(4)]).map((r) => r.id),
    [4],
    "acked and held left out",
  );
  second.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal (SQLite): reopened after a longer quiet than Telegram keeps an update, it no longer takes acked ids for repeats", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/bot.db`;
  const first = sqliteJournal(path);
  await first.open();
  first.append([record(1), record(2), record(3)]);
  first.ack(1);
  first.ack(2);
  first.close();
  // Within a day, an acked id sent again is a repeat (Telegram redelivering what was not confirmed).
  const soon = sqliteJournal(path);
  await soon.open();
  assert.deepEqual(soon.append([record(1)]).map((r) => r.id), [], "a repeat within the day");
  soon.close();
  // The file last written eight days ago: Telegram has since started a new sequence, which may reuse ids.
  const db = new DatabaseSync(path);
  db.prepare("UPDATE journal_meta SET value = value - ? WHERE key = 'active'").run(8 * 24 * 3600 * 1000);
  db.close();
  const later = sqliteJournal(path);
  await later.open();
  assert.deepEqual(later.unacked().map((r) => r.id), [3], "what was held is still held");
  assert.deepEqual(later.append([record(1), record(2), record(3)]).map((r) => r.id), [1, 2], "new updates");
  later.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal (SQLite): a webhook bot quiet for longer than Telegram keeps an update takes a new sequence reusing handled ids", async () => {
  const dir = await Deno.makeTempDir();
  const bot = new Bot("1:quiet", { apiRoot: "http://127.0.0.1:9" });
  const hook = webhookHandler(bot);
  const handled: number[] = [];
  const loop = bot.messageLoop((msg: LoopMessage) => void handled.push(msg.message_id), {
    journal: `${dir}/bot.db`,
  });
  const receiver = receiverOf(bot);
  await until(() => receiver.durable);
  let now = Date.now();
  receiver.clock = () => now;
  const post = (id: number) =>
    hook(new Request("http://bot.test/", { method: "POST", body: JSON.stringify(record(id).update) }));
  for (let id = 1; id <= 5; id++) assert.equal((await post(id)).status, 200);
  await until(() => handled.length === 5);
  assert.equal((await post(3)).status, 200);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(handled.length, 5, "within the day, an id handled before is a repeat");
  // A week later Telegram numbers from a new start, which happens to fall among the old ids.
  now += 7 * 24 * 3600 * 1000;
  for (let id = 3; id <= 7; id++) assert.equal((await post(id)).status, 200);
  await until(() => handled.length === 10);
  assert.deepEqual(handled.slice(5).sort((a, b) => a - b), [3, 4, 5, 6, 7]);
  await loop.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal (SQLite): restart (a new sequence of ids detected) forgets the acked ids, in the file too", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/bot.db`;
  const journal = sqliteJournal(path);
  await journal.open();
  journal.append([record(1), record(2)]);
  journal.ack(1);
  journal.restart();
  assert.deepEqual(journal.append([record(1), record(2)]).map((r) => r.id), [1], "1 is new, 2 still held");
  journal.ack(1);
  journal.ack(2);
  journal.restart();
  journal.close();
  const reopened = sqliteJournal(path);
  await reopened.open();
  assert.deepEqual(reopened.append([record(1), record(2)]).map((r) => r.id), [1, 2]);
  reopened.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal (SQLite): the first attempt at the head of a starting lane is written with the append", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/bot.db`;
  const journal = sqliteJournal(path);
  await journal.open();
  journal.append([record(3)]);
  // c0 already holds 3, so 6 is not its head; c1 is not starting; c2's head is 2, not 5.
  journal.append([record(6), record(1), record(2), record(5)], (key) => key !== "c1");
  const reader = new DatabaseSync(path);
  const attempts = () =>
    Object.fromEntries(
      (reader.prepare("SELECT id, attempts FROM updates").all() as { id: number; attempts: number }[])
        .map((row) => [row.id, row.attempts]),
    );
  assert.deepEqual(attempts(), { 1: 0, 2: 1, 3: 0, 5: 0, 6: 0 }, "in the file once append returned");
  assert.equal(journal.attempt(2), 1, "counted at once, without another write");
  const later = journal.attempt(1);
  assert.ok(later instanceof Promise, "any other attempt waits for its write");
  assert.equal(await later, 1);
  assert.equal(attempts()[1], 1);
  assert.equal(await journal.attempt(2), 2, "only the first attempt was written ahead");
  reader.close();
  journal.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal (SQLite): a batch that cannot be written (an update that cannot be serialized) is not held in part", async () => {
  const journal = sqliteJournal(":memory:");
  await journal.open();
  const unwritable = record(2);
  (unwritable.update as unknown as { message: { size: bigint } }).message.size = 1n;
  assert.throws(() => journal.append([record(1), unwritable, record(3)], () => true), TypeError);
  assert.deepEqual(journal.unacked(), [], "none of the batch is held");
  assert.deepEqual(journal.append([record(1), record(3)]).map((r) => r.id), [1, 3], "and it may come again");
  journal.close();
});

Deno.test("journal (SQLite): handled updates are deleted, so the file stays small", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/bot.db`;
  const journal = sqliteJournal(path);
  await journal.open();
  const text = "x".repeat(1000);
  for (let batch = 0; batch < 200; batch++) {
    const records = Array.from({ length: 100 }, (_, i) => record(batch * 100 + i, "c", text));
    journal.append(records);
    for (const r of records) journal.ack(r.id);
  }
  journal.close();
  let size = 0;
  for (const entry of Deno.readDirSync(dir)) size += Deno.statSync(`${dir}/${entry.name}`).size;
  // 20,000 updates of 1 KB went through (20 MB); what stays is the remembered ids and free pages.
  assert.ok(size < 4 * 1024 * 1024, `journal files take ${size} bytes`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal: messageLoop takes a path (SQLite, loaded on demand) and refuses a malformed journal", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/bot.db`;
  const bot = new Bot("1:journal", { apiRoot: "http://127.0.0.1:9" });
  assert.throws(() => bot.messageLoop(() => {}, { journal: "" }), BadInput);
  assert.throws(() => bot.messageLoop(() => {}, { journal: {} as never }), BadInput);
  assert.throws(() => bot.messageLoop(() => {}, { maxAttempts: 0 }), BadInput);
  const queue = new UpdateQueue();
  const texts: string[] = [];
  const release = Promise.withResolvers<void>();
  const loop = bot.messageLoop(async (msg: LoopMessage) => {
    if (msg.text === "wait") await release.promise;
    texts.push(msg.text);
  }, { source: queue, journal: path, stopTimeout: 0.1 });
  queue.put(record(1, "", "wait").update as never);
  queue.put(record(4, "", "after").update as never);
  queue.put(record(2, "", "other").update as never);
  await until(() => texts.includes("other"));
  assert.equal(receiverOf(bot).durable, true);
  await loop.stop();
  // Chat 1's two are still in the file; the next loop takes them first, in order.
  const again: string[] = [];
  const next = bot.messageLoop((msg: LoopMessage) => void again.push(msg.text), {
    source: new UpdateQueue(),
    journal: path,
  });
  await until(() => again.length === 2);
  await next.stop();
  assert.deepEqual(again, ["wait", "after"]);
  release.resolve();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("handleUpdate: resolves once handled with the memory journal, once journaled with SQLite; each id once", async () => {
  const bot = new Bot("1:direct", { apiRoot: "http://127.0.0.1:9" });
  const texts: string[] = [];
  const handler = async (msg: LoopMessage) => {
    await new Promise((r) => setTimeout(r, 100));
    texts.push(msg.text);
  };
  const loop = bot.messageLoop(handler, { source: new UpdateQueue() });
  await bot.handleUpdate(JSON.stringify(record(1, "", "one").update));
  assert.deepEqual(texts, ["one"], "handled before it resolved");
  await bot.handleUpdate(record(1, "", "one").update as never);
  assert.deepEqual(texts, ["one"], "a repeat is not handled again");
  await assert.rejects(() => bot.handleUpdate("{oops"), BadInput);
  await loop.stop();

  const dir = await Deno.makeTempDir();
  const durable = bot.messageLoop(handler, {
    source: new UpdateQueue(),
    journal: sqliteJournal(`${dir}/bot.db`),
  });
  await until(() => receiverOf(bot).durable);
  await bot.handleUpdate(record(2, "", "two").update as never);
  assert.deepEqual(texts, ["one"], "journaled, not yet handled");
  await until(() => texts.length === 2);
  await durable.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal (SQLite): a handler failing maxAttempts times puts its update in the dead table, reported; the chat goes on", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/bot.db`;
  const bot = new Bot("1:dead", { apiRoot: "http://127.0.0.1:9" });
  const queue = new UpdateQueue();
  const tries: string[] = [];
  const reports: unknown[] = [];
  const loop = bot.messageLoop((msg: LoopMessage) => {
    tries.push(msg.text);
    if (msg.text === "bad") throw new Error("always fails");
  }, { source: queue, journal: path, maxAttempts: 2, onError: (e) => reports.push(e) });
  queue.put(record(3, "", "bad").update as never);
  queue.put(record(6, "", "good").update as never);
  await until(() => tries.includes("good"));
  await loop.stop();
  assert.deepEqual(tries, ["bad", "bad", "good"], "tried maxAttempts times, then the chat went on");
  assert.equal(reports.filter((e) => e instanceof DeadLetterError).length, 1);
  const journal = sqliteJournal(path);
  await journal.open();
  const dead = journal.deadLetters();
  journal.close();
  assert.deepEqual(dead.map((d) => [d.id, d.attempts]), [[3, 2]]);
  assert.match(dead[0].reason, /always fails/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal (SQLite): webhook requests arriving together are appended in one go, each answered once journaled, before its handler ends", async () => {
  const dir = await Deno.makeTempDir();
  const journal = sqliteJournal(`${dir}/bot.db`);
  const batches: number[] = [];
  // The real SQLite journal, with its appends counted.
  const append = journal.append.bind(journal);
  journal.append = (records) => {
    batches.push(records.length);
    return append(records);
  };
  const bot = new Bot("1:gather", { apiRoot: "http://127.0.0.1:9" });
  const hook = webhookHandler(bot);
  const handled = new Set<number>();
  // Handlers wait until every request is answered: the answers must not wait for them.
  let answered!: () => void;
  const allAnswered = new Promise<void>((resolve) => answered = resolve);
  const loop = bot.messageLoop(async (msg: LoopMessage) => {
    await allAnswered;
    handled.add(msg.message_id);
  }, { journal });
  await until(() => receiverOf(bot).durable);
  const ids = Array.from({ length: 50 }, (_, i) => i + 1);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const answers = await Promise.race([
    Promise.all(
      ids.map((id) =>
        hook(new Request("http://bot.test/", { method: "POST", body: JSON.stringify(record(id).update) }))
      ),
    ),
    new Promise<never>((_, reject) =>
      timer = setTimeout(() => reject(new Error("the answers waited for the handlers")), 5000)
    ),
  ]).finally(() => clearTimeout(timer));
  assert.deepEqual(answers.map((res) => res.status), ids.map(() => 200));
  assert.equal(handled.size, 0, "answered before any handler finished");
  answered();
  assert.equal(batches.reduce((a, b) => a + b, 0), 50, "each update appended once");
  assert.ok(batches.length < 10, `50 requests took ${batches.length} appends`);
  await until(() => handled.size === 50);
  await loop.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal (SQLite): a file from before acks marked rows done opens with what it held", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/bot.db`;
  const { DatabaseSync } = await import("node:sqlite");
  const old = new DatabaseSync(path);
  old.exec(`CREATE TABLE updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, id INTEGER NOT NULL UNIQUE,
    key TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)`);
  old.prepare("INSERT INTO updates (id, key, body, attempts) VALUES (?, ?, ?, 1)")
    .run(7, "c1", JSON.stringify(record(7).update));
  old.close();
  const journal = sqliteJournal(path);
  await journal.open();
  assert.deepEqual(journal.take("c1", 5).map((r) => [r.id, r.attempts]), [[7, 1]]);
  journal.ack(7);
  journal.close();
  const reopened = sqliteJournal(path);
  await reopened.open();
  assert.deepEqual(reopened.unacked(), []);
  assert.deepEqual(reopened.append([record(7)]), [], "remembered as acked");
  reopened.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal: an update arriving while a loop's durable journal is being opened (after what was waiting was carried over) is neither left behind nor lost", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  // A durable journal whose append waits at the gate: the receiver is then between carrying over what
  // the previous journal held and putting this one in its place.
  const inner = new MemoryJournal();
  const slow: Journal = {
    durable: true,
    open: () => inner.open(),
    append: (records) => gate.then(() => inner.append(records)),
    take: (key, limit) => inner.take(key, limit),
    attempt: (id) => inner.attempt(id),
    ack: (id) => inner.ack(id),
    deadLetter: (id, attempts, reason) => inner.deadLetter(id, attempts, reason),
    unacked: () => inner.unacked(),
    deadLetters: () => inner.deadLetters(),
    close: () => inner.close(),
  };
  const bot = new Bot("1:opening", { apiRoot: "http://127.0.0.1:9" });
  const handled: number[] = [];
  const waiting = bot.handleUpdate(record(1).update);
  const loop = bot.messageLoop((msg: LoopMessage) => void handled.push(msg.message_id), {
    journal: slow,
  });
  await new Promise((r) => setTimeout(r, 20));
  let answered = false;
  const arriving = bot.handleUpdate(record(2).update).then(() => answered = true);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(answered, false, "it waits for the journal being opened");
  release();
  await until(() => answered && handled.length === 2, 5);
  await waiting;
  await arriving;
  assert.deepEqual(handled.sort(), [1, 2]);
  await loop.stop();
});

Deno.test("journal (SQLite): a transaction SQLite rolled back by itself (a full disk) throws its own error and keeps the acks pending", async () => {
  const dir = await Deno.makeTempDir({ prefix: "journal_full_" });
  const journal = sqliteJournal(`${dir}/bot.db`);
  await journal.open();
  journal.append([record(1, "a"), record(9, "z")]);
  await journal.attempt(1);
  await journal.attempt(9);
  // Committed with update 9's ack: from then on the file cannot grow, as on a full disk.
  journal.stage(9, {
    key: "limit",
    sealed: false,
    write(db) {
      const { page_count } = db.prepare("PRAGMA page_count").get() as { page_count: number };
      db.exec(`PRAGMA max_page_count = ${page_count}`);
    },
    failed() {},
    done() {},
  });
  await journal.ack(9);
  journal.ack(1); // pending: rides with the next transaction
  assert.throws(() => journal.append([record(2, "b", "x".repeat(200_000))]), /full/);
  assert.deepEqual(journal.unacked().map((r) => r.id), [], "the refused batch is not held either");
  journal.close(); // writes the pending ack, which needs no new page
  const reopened = sqliteJournal(`${dir}/bot.db`);
  await reopened.open();
  assert.deepEqual(reopened.unacked().map((r) => r.id), [], "update 1's ack was not lost");
  reopened.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal (SQLite): a transaction that cannot begin (the file locked past busy_timeout) keeps the acks and attempts pending", async () => {
  const dir = await Deno.makeTempDir({ prefix: "journal_locked_" });
  const path = `${dir}/bot.db`;
  const journal = sqliteJournal(path);
  await journal.open();
  journal.append([record(1, "a"), record(2, "b")]);
  await journal.attempt(1);
  journal.ack(1);
  const counted = journal.attempt(2);
  const other = new DatabaseSync(path);
  other.exec("BEGIN IMMEDIATE"); // another writer holds the file
  assert.throws(() => journal.append([record(3, "c")]), /locked/); // after busy_timeout, 5 s
  other.exec("COMMIT");
  other.close();
  assert.equal(await counted, 1, "the attempt is written by the next transaction");
  journal.close();
  const reopened = sqliteJournal(path);
  await reopened.open();
  assert.deepEqual(reopened.unacked().map((r) => [r.id, (r as { attempts?: number }).attempts]), [[2, 1]]);
  reopened.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal (SQLite): an attempt whose transaction is refused (the file locked past busy_timeout) does not count, in memory or in the file; a committed one does", async () => {
  const dir = await Deno.makeTempDir({ prefix: "journal_refused_attempt_" });
  const path = `${dir}/bot.db`;
  const journal = sqliteJournal(path);
  await journal.open();
  journal.append([record(1, "a"), record(2, "b")]);
  const other = new DatabaseSync(path);
  other.exec("BEGIN IMMEDIATE"); // another writer holds the file
  const refused = journal.attempt(1);
  // Carried by a transaction of its own tick that is refused too, then by its own: both refused.
  assert.throws(() => journal.append([record(3, "c")]), /locked/);
  await assert.rejects(Promise.resolve(refused), /locked/); // after busy_timeout, 5 s
  assert.equal(journal.take("a", 1)[0].attempts, 0, "no handler ran: not an attempt");
  other.exec("COMMIT");
  other.close();
  assert.equal(await journal.attempt(2), 1, "a transaction commits again, without the refused attempt");
  const read = () => new DatabaseSync(path).prepare("SELECT id, attempts FROM updates ORDER BY id").all();
  assert.deepEqual(read().map((row) => [row.id, row.attempts]), [[1, 0], [2, 1]]);
  assert.equal(await journal.attempt(1), 1, "the next attempt is the first");
  // The process ends during that attempt (no ack, no close): it counts.
  const reopened = sqliteJournal(path);
  await reopened.open();
  assert.deepEqual(reopened.take("a", 1).map((r) => [r.id, r.attempts]), [[1, 1]]);
  reopened.close();
  journal.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal: a chat whose lane the journal failed under waits out the back-off even when it sends more meanwhile", async () => {
  // Durable, and refusing every attempt while `broken` (as a file on a full disk would).
  class RefusingJournal extends MemoryJournal {
    override readonly durable = true as unknown as false;
    broken = true;
    attempts = 0;
    override attempt(id: number): number {
      this.attempts++;
      if (this.broken) throw new Error("disk full");
      return super.attempt(id);
    }
  }
  const receiver = new Receiver();
  const journal = new RefusingJournal();
  const errors: unknown[] = [];
  const handled: number[] = [];
  await receiver.attach({
    handle: (msg) => void handled.push((msg as { message_id: number }).message_id),
    onError: (error) => void errors.push(error),
    maxAttempts: 3,
    backoff: { initial: 2, max: 2 },
  }, journal);
  const update = (id: number) =>
    ({
      update_id: id,
      message: { message_id: id, date: 0, chat: { id: 7, type: "private" }, text: "x" },
    }) as Update;
  await receiver.receive([update(1)]);
  await until(() => errors.length === 1);
  // The chat sends more while its lane waits for the back-off: one more try, not one after another.
  await receiver.receive([update(2)]);
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.ok(journal.attempts <= 2, `${journal.attempts} attempts within 150 ms`);
  assert.ok(errors.length <= 2, `${errors.length} reports within 150 ms`);
  journal.broken = false;
  await until(() => handled.length === 2, 10, "the chat to be handled after the back-off");
  assert.deepEqual(handled, [1, 2]);
  await receiver.detach(1);
});

for (const ordered of [false, true]) {
  Deno.test(`journal: queue items the journal refused wait within maxInFlight and are handled in order once it takes them (ordered: ${ordered})`, async () => {
    // Durable, and refusing every append while `broken` (as a locked file or a full disk would).
    class RefusingJournal extends MemoryJournal {
      override readonly durable = true as unknown as false;
      broken = true;
      override append(records: readonly JournalRecord[]): readonly JournalRecord[] {
        if (this.broken) throw new Error("database is locked");
        return super.append(records);
      }
    }
    const journal = new RefusingJournal();
    const receiver = new Receiver();
    const order: number[] = [];
    await receiver.attach({
      handle: (_payload, update) => void order.push(update.update_id),
      onError: () => {},
      maxAttempts: 3,
    }, journal);
    const queue = new UpdateQueue();
    // One chat, whose order must hold.
    for (let id = 1; id <= 500; id++) {
      queue.put({ update_id: id, message: { message_id: id, date: 0, chat: { id: 1, type: "private" } } });
    }
    const stop = new AbortController();
    const reports: unknown[] = [];
    const running = consumeQueue(queue, receiver, {
      ordered,
      maxhold: 1,
      maxInFlight: 10,
      report: (error) => void reports.push(error),
      backoff: { initial: 0.1, max: 0.2 },
      stopSeconds: 1,
    }, stop.signal);
    await until(() => reports.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(queue.size, 490, "no more taken than maxInFlight while the journal refuses");
    journal.broken = false;
    await until(() => order.length === 500, 10, "every item to be handled");
    assert.deepEqual(order, Array.from({ length: 500 }, (_, i) => i + 1), "in the order taken");
    stop.abort();
    await running;
    await receiver.detach(1);
  });
}

/** A journal that answers later, as Redis does, refusing the first append that holds update `refuseId`. */
class RemoteJournal extends MemoryJournal {
  override readonly durable: false;
  #refused = false;
  constructor(durable: boolean, readonly refuseId: number) {
    super();
    this.durable = durable as false;
  }
  override append(records: readonly JournalRecord[]): readonly JournalRecord[] {
    const refuse = !this.#refused && records.some((record) => record.id === this.refuseId);
    if (refuse) this.#refused = true;
    return new Promise<readonly JournalRecord[]>((resolve, reject) =>
      setTimeout(() => refuse ? reject(new Error("connection lost")) : resolve(super.append(records)), 20)
    ) as unknown as readonly JournalRecord[];
  }
}

/** Updates of one chat, `ids`, arriving a few milliseconds apart (while earlier appends are out). */
async function* arriving(ids: readonly number[]) {
  for (const id of ids) {
    yield { update_id: id, message: { message_id: id, date: 0, chat: { id: 1, type: "private" } } };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

for (const durable of [true, false]) {
  for (const ordered of [false, true]) {
    Deno.test(`journal: queue items taken while an earlier append is out go after it, also when the journal refuses it (${durable ? "durable" : "memory-like"} journal answering later, ordered: ${ordered})`, async () => {
      const receiver = new Receiver();
      const order: number[] = [];
      await receiver.attach({
        handle: (_payload, update) => void order.push(update.update_id),
        onError: () => {},
        maxAttempts: 3,
      }, new RemoteJournal(durable, 3));
      const reports: unknown[] = [];
      const stop = new AbortController();
      const running = consumeQueue(arriving([1, 2, 3, 4, 5]), receiver, {
        ordered,
        maxhold: 1,
        maxInFlight: 10,
        report: (error) => void reports.push(error),
        backoff: { initial: 0.05, max: 0.05 },
        stopSeconds: 1,
      }, stop.signal);
      await until(() => order.length === 5, 10, "every item to be handled");
      assert.deepEqual(order, [1, 2, 3, 4, 5], "the chat's order, though an append was refused");
      assert.equal(reports.length, 1);
      stop.abort();
      await running;
      await receiver.detach(1);
    });
  }
}

Deno.test("journal: a queue loop's stop ends although an append never answers (stopTimeout bounds the wait)", async () => {
  class SilentJournal extends MemoryJournal {
    override readonly durable = true as unknown as false;
    override append(): readonly JournalRecord[] {
      return new Promise<never>(() => {}) as unknown as readonly JournalRecord[];
    }
  }
  const receiver = new Receiver();
  await receiver.attach({ handle: () => {}, onError: () => {}, maxAttempts: 3 }, new SilentJournal());
  const queue = new UpdateQueue();
  queue.put({ update_id: 1, message: { message_id: 1, date: 0, chat: { id: 1, type: "private" } } });
  const stop = new AbortController();
  const running = consumeQueue(queue, receiver, {
    ordered: false,
    maxhold: 1,
    maxInFlight: 10,
    report: () => {},
    stopSeconds: 0.2,
  }, stop.signal);
  await until(() => queue.size === 0);
  stop.abort();
  let ended = false;
  const guard = new Promise((resolve) => setTimeout(resolve, 10_000));
  await Promise.race([running.then(() => ended = true), guard]);
  assert.ok(ended, "the loop ended although the append never answered");
});

Deno.test("journal: items the journal still refuses when the stop's time is out are reported, not retried after it", async () => {
  class RefusingJournal extends MemoryJournal {
    override readonly durable = true as unknown as false;
    override append(): readonly JournalRecord[] {
      throw new Error("database is locked");
    }
  }
  const receiver = new Receiver();
  await receiver.attach({ handle: () => {}, onError: () => {}, maxAttempts: 3 }, new RefusingJournal());
  const queue = new UpdateQueue();
  let acknowledged = 0;
  for (const id of [1, 2]) {
    queue.put(
      { update_id: id, message: { message_id: id, date: 0, chat: { id: 1, type: "private" } } },
      () => acknowledged++,
    );
  }
  const reports: { error: unknown; update?: Update }[] = [];
  const stop = new AbortController();
  const running = consumeQueue(queue, receiver, {
    ordered: false,
    maxhold: 1,
    maxInFlight: 10,
    report: (error, update) => void reports.push({ error, update }),
    backoff: { initial: 0.05, max: 0.05 },
    stopSeconds: 0.3,
  }, stop.signal);
  await until(() => reports.length > 0);
  stop.abort();
  await running;
  const lost = reports.filter(({ error }) => error instanceof TelepotException);
  assert.deepEqual(lost.map(({ update }) => update?.update_id), [1, 2]);
  assert.match(String((lost[0].error as Error).message), /update 1 was taken from the queue.*not handled/);
  assert.equal(acknowledged, 0, "not acknowledged to the queue: a queue that redelivers has them again");
  // No retry is left behind: the test's op sanitizer fails on a pending timer.
  await receiver.detach(1);
});

/**
 * A loop on a SQLite journal at `path`, fed by a queue, beside another connection (a backup, the sqlite3
 * shell) that may take the file's write lock (`lock()`): what the journal then tries waits busy_timeout
 * (5 s) and is refused. The refusal's report releases the lock.
 */
async function loopBesideALock(
  path: string,
  onText: (text: string, lock: () => void) => void,
  options: { maxAttempts?: number } = {},
) {
  const bot = new Bot("1:refused", { apiRoot: "http://127.0.0.1:9" });
  const queue = new UpdateQueue();
  const handled: string[] = [];
  const reports: unknown[] = [];
  let other: DatabaseSync | undefined;
  const lock = () => {
    other = new DatabaseSync(path);
    other.exec("BEGIN IMMEDIATE");
  };
  const loop = bot.messageLoop((msg: LoopMessage) => {
    handled.push(msg.text);
    onText(msg.text, lock);
  }, {
    ...options,
    source: queue,
    journal: path,
    backoff: { initial: 0.2, max: 0.2 },
    onError: (error) => {
      reports.push(error);
      other?.exec("COMMIT");
      other?.close();
      other = undefined;
    },
  });
  await until(() => receiverOf(bot).durable);
  return { bot, queue, loop, handled, reports, lock };
}

Deno.test("journal (SQLite): an attempt another transaction of its tick committed counts, and resolves, though its own write is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "journal_carried_attempt_" });
  const path = `${dir}/bot.db`;
  const journal = sqliteJournal(path);
  await journal.open();
  journal.append([record(1, "a"), record(2, "b")]);
  const attempt = journal.attempt(1);
  journal.append([record(3, "c")]); // commits, carrying attempt 1
  journal.ack(2); // pending for the tick's own write
  const other = new DatabaseSync(path);
  other.exec("BEGIN IMMEDIATE"); // the tick's own write is refused after busy_timeout (5 s)
  const outcome = await Promise.resolve(attempt).then((n) => `resolved ${n}`, (e) => `rejected: ${e}`);
  other.exec("COMMIT");
  other.close();
  assert.equal(outcome, "resolved 1", "in the file: its handler runs");
  assert.equal(journal.take("a", 1)[0].attempts, 1);
  journal.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal (SQLite): a chat whose attempt the journal refused is tried again by itself after the back-off, its attempt not used up", async () => {
  const dir = await Deno.makeTempDir({ prefix: "journal_refused_lane_" });
  const path = `${dir}/bot.db`;
  // The lock is taken while the first update is handled: the attempt at the chat's next one is refused.
  const { bot, loop, handled, reports } = await loopBesideALock(path, (text, lock) => {
    if (text === "first") lock();
  }, { maxAttempts: 1 });
  // One batch, so that the lock is taken between the two attempts (not before an append).
  await receiverOf(bot).receive([record(1, "", "first").update, record(4, "", "second").update]);
  // Nothing more comes from the chat: the lane is woken by the back-off alone.
  await until(() => handled.length === 2, 15, "the refused update to be handled");
  await loop.stop();
  assert.deepEqual(handled, ["first", "second"]);
  assert.equal(reports.length, 1);
  assert.match(String(reports[0]), /locked/);
  const journal = sqliteJournal(path);
  await journal.open();
  assert.deepEqual(journal.deadLetters(), [], "maxAttempts 1: the refused attempt was not one");
  assert.deepEqual(journal.unacked(), []);
  journal.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal (SQLite): a queue item the journal refused is handed on again after the back-off, not dropped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "journal_refused_queue_" });
  const path = `${dir}/bot.db`;
  const { queue, loop, handled, reports, lock } = await loopBesideALock(path, () => {});
  // The item's append waits busy_timeout, then is refused.
  lock();
  let done = false;
  queue.put(record(7, "", "kept").update as never, () => done = true);
  await until(() => done, 15, "the refused item to be handled");
  await loop.stop();
  assert.deepEqual(handled, ["kept"]);
  assert.equal(reports.length, 1);
  assert.match(String(reports[0]), /locked/);
  await Deno.remove(dir, { recursive: true });
});

/** Files under `dir` this process holds open (other test modules may run in it meanwhile). */
function openFilesUnder(dir: string): number {
  let count = 0;
  for (const fd of Deno.readDirSync("/proc/self/fd")) {
    try {
      if (Deno.readLinkSync(`/proc/self/fd/${fd.name}`).startsWith(dir)) count++;
    } catch {
      // Closed while being listed.
    }
  }
  return count;
}

Deno.test("journal and storage (SQLite): a file that is not a database, or a row that cannot be read, is refused with UnusableFile and holds nothing open", async () => {
  const dir = await Deno.makeTempDir({ prefix: "journal_unusable_" });
  const garbage = `${dir}/garbage.db`;
  await Deno.writeTextFile(garbage, "not a database, ".repeat(200));
  const broken = `${dir}/broken.db`;
  const journal = sqliteJournal(broken);
  await journal.open();
  journal.append([record(1)]);
  journal.close();
  const db = new DatabaseSync(broken);
  db.exec("UPDATE updates SET body = '{'");
  db.close();
  const before = openFilesUnder(dir);
  for (let i = 0; i < 10; i++) {
    for (const open of [() => sqliteJournal(garbage).open(), () => new SqliteStorage(garbage).open()]) {
      const error = await open().then(() => undefined, (e) => e);
      assert.ok(error instanceof UnusableFile, String(error));
      assert.equal(error.path, garbage);
    }
    await assert.rejects(sqliteJournal(broken).open(), UnusableFile);
  }
  assert.equal(openFilesUnder(dir), before, "every connection was closed again");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journal (SQLite): the latest 1000 dead letters are kept, as in memory", async () => {
  const journal = sqliteJournal(":memory:");
  await journal.open();
  for (let id = 1; id <= 1_005; id++) {
    journal.append([record(id)]);
    journal.deadLetter(id, 3, "poison");
  }
  const dead = journal.deadLetters();
  assert.equal(dead.length, 1_000);
  assert.equal(dead[0].id, 6);
  assert.equal(dead.at(-1)!.id, 1_005);
  journal.close();
});
