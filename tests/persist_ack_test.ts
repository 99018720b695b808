// A SQLite storage in the SQLite journal's file writes a delegate's state in the transaction that
// acknowledges the update: both are committed or neither, saves of one key in a row are one write, a
// write refused as it commits leaves its updates unacknowledged (and in order), and a dead-lettered
// update counts as finished.
import assert from "node:assert/strict";
import type { Update } from "../api/types.gen.ts";
import { DelegatorBot } from "../bot/delegator_bot.ts";
import type { Journal } from "../bot/journal.ts";
import { MemoryJournal } from "../bot/memory_journal.ts";
import { Receiver } from "../bot/receiver.ts";
import { SqliteJournal } from "../bot/sqlite_journal.ts";
import { paveEventSpace } from "../delegate/compose.ts";
import { createOpen } from "../delegate/delegators.ts";
import { perChatId } from "../delegate/seeders.ts";
import { BadInput } from "../exception/bad_input.ts";
import { DeadLetterError } from "../exception/dead_letter.ts";
import { StateConflict } from "../exception/state_conflict.ts";
import { ChatHandler } from "../helper/handlers.ts";
import { persist } from "../storage/persistence.ts";
import { SqliteStorage } from "../storage/sqlite_storage.ts";
import { BotApiEmulator } from "../testing/mod.ts";
import { until } from "./support/until.ts";

async function pair(): Promise<{ journal: SqliteJournal; storage: SqliteStorage; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "persist_ack_" });
  const journal = new SqliteJournal(`${dir}/bot.db`);
  const storage = new SqliteStorage(`${dir}/bot.db`);
  await journal.open();
  await storage.open();
  journal.append([1, 2, 3].map((id) => ({ id, key: "c1", update: { update_id: id } })));
  return { journal, storage, dir };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("setWithAck: the state is written with the ack, not before", async () => {
  const { journal, storage, dir } = await pair();
  const failures: unknown[] = [];
  assert.equal(storage.setWithAck(journal, 1, "k", { n: 1 }, 0, (e) => failures.push(e)), 1);
  assert.equal(storage.get("k"), undefined, "nothing before the ack");
  journal.ack(1);
  await tick();
  assert.deepEqual(storage.get("k"), { value: { n: 1 }, version: 1 });
  assert.deepEqual(journal.unacked().map((r) => r.id), [2, 3]);
  assert.deepEqual(failures, []);
  journal.close();
  storage.close();
  await Deno.remove(dir, { recursive: true });
});

// Another process writing the same file: a storage of its own, which commits nothing of the journal's.
async function otherProcess(dir: string): Promise<SqliteStorage> {
  const other = new SqliteStorage(`${dir}/bot.db`);
  await other.open();
  return other;
}

Deno.test("setWithAck: a write refused as it commits leaves the update unacked and is told", async () => {
  const { journal, storage, dir } = await pair();
  const other = await otherProcess(dir);
  storage.set("k", { n: 0 });
  const failures: unknown[] = [];
  storage.setWithAck(journal, 2, "other", { ok: true }, 0, (e) => failures.push(e));
  storage.setWithAck(journal, 2, "k", { n: 1 }, 1, (e) => failures.push(e));
  other.set("k", { n: 50 }); // between the save and the ack
  journal.ack(2);
  journal.flush();
  assert.equal(failures.length, 2, "every write of the update is told");
  assert.ok(failures.every((e) => e instanceof StateConflict));
  assert.deepEqual(storage.get("k")!.value, { n: 50 });
  assert.equal(storage.get("other"), undefined, "dropped with the refused one");
  assert.deepEqual(journal.unacked().map((r) => r.id).sort(), [1, 2, 3], "not acked: taken again");
  journal.close();
  other.close();
  storage.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deleteAfter: a key goes in the transaction of the write staged for another, is kept when that is refused, and goes at once when none is staged", async () => {
  const { journal, storage, dir } = await pair();
  const other = await otherProcess(dir);
  for (const key of ["event:a", "event:b", "event:c"]) storage.set(key, 1);
  const live = () => other.scan("event:").map((entry) => entry.key);
  storage.setWithAck(journal, 1, "k", { n: 1 }, 0, () => {});
  storage.deleteAfter("event:a", "k");
  assert.deepEqual(live(), ["event:a", "event:b", "event:c"], "not before the write commits");
  journal.ack(1);
  journal.flush();
  assert.deepEqual(other.get("k")?.value, { n: 1 });
  assert.deepEqual(live(), ["event:b", "event:c"]);
  storage.setWithAck(journal, 2, "k", { n: 2 }, 1, () => {});
  storage.deleteAfter("event:b", "k");
  other.set("k", { n: 50 }); // between the save and the ack: the write is refused
  journal.ack(2);
  journal.flush();
  assert.deepEqual(live(), ["event:b", "event:c"], "kept with the refused write");
  storage.deleteAfter("event:c", "k");
  assert.deepEqual(live(), ["event:b"], "nothing staged: at once");
  journal.close();
  other.close();
  storage.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("setAfter: a key is written in the transaction of the write staged for another; writes and deletes of it meanwhile change what waits; a refused write drops it and tells", async () => {
  const { journal, storage, dir } = await pair();
  const other = await otherProcess(dir);
  const live = () => other.scan("event:").map((entry) => [entry.key, entry.value]);
  const dropped: string[] = [];
  storage.setWithAck(journal, 1, "k", { n: 1 }, 0, () => {});
  for (const key of ["event:a", "event:b", "event:c"]) storage.setAfter(key, 1, "k", () => dropped.push(key));
  storage.set("event:b", 2); // rescheduled
  assert.equal(storage.delete("event:c"), true); // cancelled
  assert.deepEqual(live(), [], "not before the write commits");
  journal.ack(1);
  journal.flush();
  assert.deepEqual(live(), [["event:a", 1], ["event:b", 2]]);
  storage.setWithAck(journal, 2, "k", { n: 2 }, 1, () => {});
  storage.setAfter("event:d", 1, "k", () => dropped.push("event:d"));
  other.set("k", { n: 50 }); // between the save and the ack: the write is refused
  journal.ack(2);
  journal.flush();
  assert.deepEqual(dropped, ["event:d"]);
  assert.deepEqual(live(), [["event:a", 1], ["event:b", 2]], "not written with the refused write");
  storage.setAfter("event:e", 1, "k");
  assert.deepEqual(live().map(([key]) => key), ["event:a", "event:b", "event:e"], "nothing staged: at once");
  journal.close();
  other.close();
  storage.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("setWithAck: saves of one key in a row are one write, committed with all their acks", async () => {
  const { journal, storage, dir } = await pair();
  const other = await otherProcess(dir);
  let version = storage.setWithAck(journal, 1, "k", { n: 1 }, 0, () => {})!;
  version = storage.setWithAck(journal, 2, "k", { n: 2 }, version, () => {})!;
  assert.equal(version, 1, "one write: one version");
  journal.ack(1);
  journal.ack(2);
  assert.equal(other.get("k"), undefined, "waiting for more of the lane");
  journal.flush();
  assert.deepEqual(other.get("k"), { value: { n: 2 }, version: 1 });
  assert.deepEqual(journal.unacked().map((r) => r.id), [3]);
  // The last of its lane: committed before its lane goes on.
  storage.setWithAck(journal, 3, "k", { n: 3 }, version, () => {});
  await journal.ack(3);
  assert.deepEqual(other.get("k"), { value: { n: 3 }, version: 2 });
  assert.deepEqual(journal.unacked(), []);
  journal.close();
  other.close();
  storage.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("setWithAck: a refused write drops the later saves of its key; their updates are taken again in order", async () => {
  const { journal, storage, dir } = await pair();
  journal.append([{ id: 4, key: "c1", update: { update_id: 4 } }]);
  const other = await otherProcess(dir);
  const failures: unknown[] = [];
  const failed = (e: unknown) => failures.push(e);
  let version = storage.setWithAck(journal, 1, "k", { n: 1 }, 0, failed)!;
  version = storage.setWithAck(journal, 2, "k", { n: 2 }, version, failed)!;
  journal.ack(1);
  journal.flush(); // update 2 is still being handled: the write waits, sealed
  assert.equal(other.get("k"), undefined);
  storage.setWithAck(journal, 3, "k", { n: 3 }, version, failed); // a new write, after the sealed one
  other.set("k", { n: 50 }, { version: 0 });
  journal.ack(2);
  journal.flush();
  assert.equal(failures.length, 1, "the delegate is told once");
  assert.ok(failures[0] instanceof StateConflict);
  assert.deepEqual(other.get("k"), { value: { n: 50 }, version: 1 });
  // Update 3 was still being handled: its ack is not written, and it stays in its place.
  assert.equal(journal.ack(3), false);
  assert.deepEqual(journal.unacked().map((r) => r.id), [1, 2, 3, 4], "held again, in order");
  journal.close();
  const reopened = new SqliteJournal(`${dir}/bot.db`);
  await reopened.open();
  assert.deepEqual(reopened.unacked().map((r) => r.id), [1, 2, 3, 4], "and so in the file");
  reopened.close();
  other.close();
  storage.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("setWithAck: a dead-lettered update counts as finished for its writes; other journals and files write directly", async () => {
  const { journal, storage, dir } = await pair();
  const failures: unknown[] = [];
  storage.setWithAck(journal, 3, "k", { n: 1 }, 0, (e) => failures.push(e));
  journal.deadLetter(3, 3, "failed");
  journal.flush();
  assert.deepEqual(storage.get("k"), { value: { n: 1 }, version: 1 });
  assert.deepEqual(failures, []);
  assert.deepEqual(journal.deadLetters().map((r) => r.id), [3]);
  assert.equal(storage.setWithAck(new MemoryJournal(), 1, "k", 1, 0, () => {}), undefined);
  const elsewhere = new SqliteJournal(`${dir}/other.db`);
  await elsewhere.open();
  assert.equal(storage.setWithAck(elsewhere, 1, "k", 1, 0, () => {}), undefined);
  elsewhere.close();
  journal.close();
  storage.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("setWithAck: a new attempt at an update is not spoiled by the refusal that dropped the one before", async () => {
  const { journal, storage, dir } = await pair();
  const other = await otherProcess(dir);
  let version = storage.setWithAck(journal, 1, "k", { n: 1 }, 0, () => {})!;
  version = storage.setWithAck(journal, 2, "k", { n: 2 }, version, () => {})!;
  journal.ack(1);
  journal.flush(); // sealed, waiting for update 2
  await journal.attempt(3);
  storage.setWithAck(journal, 3, "k", { n: 3 }, version, () => {});
  other.set("k", { n: 50 }, { version: 0 });
  journal.ack(2);
  journal.flush(); // refused: update 3's save is dropped while its attempt runs
  // That attempt fails; the next one starts afresh, saves nothing, and its ack counts.
  await journal.attempt(3);
  assert.equal(journal.ack(3), undefined);
  await tick();
  assert.deepEqual(journal.unacked().map((r) => r.id), [1, 2], "3 is acked; 1 and 2 are held again");
  journal.close();
  other.close();
  storage.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("setWithAck: a save that follows one staged with an unfinished update (an event handled right after) joins it", async () => {
  const { journal, storage, dir } = await pair();
  const version = storage.setWithAck(journal, 1, "k", { count: 1, alarms: 0 }, 0, () => {})!;
  // The delegate's event comes before update 1 is acked: its save names the version the staged one will write.
  assert.equal(storage.set("k", { count: 1, alarms: 1 }, { version }), version);
  assert.equal(storage.get("k"), undefined, "still waiting for the update's ack");
  journal.ack(1);
  await tick();
  assert.deepEqual(storage.get("k"), { value: { count: 1, alarms: 1 }, version: 1 });
  journal.close();
  storage.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("setWithAck: a save that follows one staged with an unfinished update joins it after another chat's staged write committed meanwhile", async () => {
  const { journal, storage, dir } = await pair();
  journal.append([{ id: 4, key: "c2", update: { update_id: 4 } as Update }]);
  const failures: unknown[] = [];
  const version = storage.setWithAck(journal, 1, "k", { count: 1, alarms: 0 }, 0, (e) => failures.push(e))!;
  // Another chat's delegate saves with its update, which finishes: that write commits now.
  storage.setWithAck(journal, 4, "j", { count: 1 }, 0, (e) => failures.push(e));
  await journal.ack(4);
  assert.deepEqual(storage.get("j"), { value: { count: 1 }, version: 1 });
  // The first delegate's event, still before update 1 is acked.
  assert.equal(storage.set("k", { count: 1, alarms: 1 }, { version }), version);
  assert.equal(storage.get("k"), undefined, "still waiting for the update's ack");
  journal.ack(1);
  await tick();
  assert.deepEqual(storage.get("k"), { value: { count: 1, alarms: 1 }, version: 1 });
  assert.deepEqual(failures, []);
  assert.deepEqual(journal.unacked().map((r) => r.id), [2, 3]);
  journal.close();
  storage.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("setWithAck: a write that waited for an update dead-lettered meanwhile is committed then, with the acks it covers", async () => {
  const { journal, storage, dir } = await pair();
  const version = storage.setWithAck(journal, 1, "k", { n: 1 }, 0, () => {})!;
  storage.setWithAck(journal, 2, "k", { n: 2 }, version, () => {}); // one write covering 1 and 2
  journal.ack(1);
  await new Promise((r) => setTimeout(r, 100)); // its 50 ms are over: the write still waits for 2
  journal.deadLetter(2, 3, "poison");
  await tick();
  const file = new SqliteJournal(`${dir}/bot.db`); // what the file says, as after a crash now
  await file.open();
  assert.deepEqual(file.unacked().map((r) => r.id), [3], "1's ack was committed");
  file.close();
  journal.close();
  storage.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("setWithAck: a key with a lone surrogate is refused with BadInput, as by set, and nothing is staged", async () => {
  const { journal, storage, dir } = await pair();
  assert.throws(() => storage.setWithAck(journal, 1, "k\uD800", { n: 1 }, 0, () => {}), BadInput);
  journal.ack(1);
  await tick();
  assert.deepEqual(storage.scan(""), []);
  journal.close();
  storage.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("setWithAck: on a closed journal it throws, and the key stays usable", async () => {
  const { journal, storage, dir } = await pair();
  storage.setWithAck(journal, 1, "k", { n: 1 }, 0, () => {});
  journal.ack(1);
  await tick();
  journal.close();
  assert.throws(() => storage.setWithAck(journal, 2, "k", { n: 2 }, 1, () => {}), /opened journal/);
  assert.deepEqual(storage.get("k"), { value: { n: 1 }, version: 1 });
  assert.equal(storage.set("k", { n: 3 }), 2);
  storage.close();
  await Deno.remove(dir, { recursive: true });
});

/** A receiver on a SQLite journal and storage in one file, whose handler saves state with each ack; `other` writes the same key as another process would. */
async function refusingBot(conflicts: number) {
  const dir = await Deno.makeTempDir({ prefix: "persist_ack_" });
  const journal = new SqliteJournal(`${dir}/bot.db`);
  const storage = new SqliteStorage(`${dir}/bot.db`);
  const other = new SqliteStorage(`${dir}/bot.db`);
  await storage.open();
  await other.open();
  const receiver = new Receiver();
  const runs: number[] = [];
  const errors: unknown[] = [];
  await receiver.attach({
    maxAttempts: 3,
    onError: (error) => errors.push(error),
    handle: (_payload, update) => {
      runs.push(update.update_id);
      const version = storage.get("k")?.version ?? 0;
      storage.setWithAck(journal, update.update_id, "k", { run: runs.length }, version, () => {});
      if (conflicts-- > 0) other.set("k", { run: "other" }); // before the journal commits the save
    },
  }, journal);
  const update = { update_id: 1, message: { message_id: 1, date: 0, chat: { id: 7, type: "private" } } };
  await receiver.receive([update as unknown as Update]);
  const close = async () => {
    await receiver.detach(1);
    other.close();
    storage.close();
    await Deno.remove(dir, { recursive: true });
  };
  return { journal, storage, receiver, runs, errors, close };
}

Deno.test("receiver: an update whose state save was refused after it finished is taken again at once, and counted once", async () => {
  const { journal, storage, receiver, runs, close } = await refusingBot(1);
  await until(() => runs.length === 2 && receiver.backlog === 0 && journal.unacked().length === 0);
  assert.deepEqual(runs, [1, 1], "handled again without another update of its chat to wake its lane");
  assert.equal(receiver.handled, 1);
  assert.deepEqual(storage.get("k")?.value, { run: 2 }, "the retry's state is the one stored");
  await close();
});

Deno.test("receiver: an update whose state save is refused at every try is dead-lettered with the refusal as the reason", async () => {
  const { journal, receiver, runs, errors, close } = await refusingBot(Infinity);
  await until(() => journal.deadLetters().length === 1 && receiver.backlog === 0);
  assert.deepEqual(runs, [1, 1, 1]);
  const [dead] = journal.deadLetters();
  assert.equal(dead.attempts, 3);
  assert.match(dead.reason, /changed by another writer/, "not blamed on a crash");
  assert.ok(errors.some((e) => e instanceof DeadLetterError));
  assert.equal(receiver.handled, 0);
  await close();
});

Deno.test("receiver: a journal that cannot record an attempt stops the lane, and that counts as no attempt at the update", async () => {
  let attempts = 0;
  const inner = new MemoryJournal();
  const journal: Journal = {
    durable: false,
    open: () => inner.open(),
    append: (records) => inner.append(records),
    take: (key, limit) => inner.take(key, limit),
    attempt: (id) => ++attempts === 2 ? Promise.reject(new Error("journal down")) : inner.attempt(id),
    ack: (id) => inner.ack(id),
    deadLetter: (id, count, reason) => inner.deadLetter(id, count, reason),
    unacked: () => inner.unacked(),
    deadLetters: () => inner.deadLetters(),
    close: () => inner.close(),
  };
  const receiver = new Receiver();
  const runs: number[] = [];
  const errors: unknown[] = [];
  await receiver.attach({
    maxAttempts: 2,
    onError: (error) => errors.push(error),
    handle: (_payload, update) => {
      runs.push(update.update_id);
      throw new Error("handler failed");
    },
  }, journal);
  const update = { update_id: 1, message: { message_id: 1, date: 0, chat: { id: 7, type: "private" } } };
  await receiver.receive([update as unknown as Update]);
  await until(() => errors.some((e) => String(e).includes("journal down")));
  assert.deepEqual(runs, [1], "the handler ran once");
  assert.deepEqual(inner.deadLetters(), [], "not dead-lettered for the journal's failure");
  assert.deepEqual(inner.unacked().map((r) => r.id), [1], "still held, to be tried again");
  await receiver.detach(0.1);
});

Deno.test("persistent delegates: one that handled an update another delegate's save failed does not apply it again at its retries", async () => {
  class Tally extends ChatHandler {
    state = { count: 0 };
    onChatMessage(): void {
      this.state.count += 1;
    }
  }
  class Profile extends ChatHandler {
    state: Record<string, unknown> = {};
    onChatMessage(): void {
      this.state.lastSeen = new Date(); // no JSON: its save is refused with BadInput, at every attempt
    }
  }
  const dir = await Deno.makeTempDir({ prefix: "persist_ack_" });
  const emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "tally_bot" });
  const user = emu.createUser({ first_name: "U" });
  const bot = new DelegatorBot(token, [
    paveEventSpace()(perChatId(), createOpen, Tally, { timeout: 600 }),
    paveEventSpace()(perChatId(), createOpen, Profile, { timeout: 600 }),
  ], { apiRoot: emu.apiRoot, logger: { debug() {}, error() {} } });
  const persistence = await persist(bot, `${dir}/bot.db`);
  const errors: unknown[] = [];
  const loop = bot.messageLoop(undefined, {
    timeout: 1,
    relax: 0,
    journal: `${dir}/bot.db`,
    maxAttempts: 3,
    backoff: { initial: 0.05, max: 0.1 },
    onError: (e) => errors.push(e),
  });
  try {
    await user.sendText(user.id, "one message");
    await until(() => errors.some((e) => e instanceof DeadLetterError), 30, "the dead letter");
    await loop.stop();
    const reader = new SqliteStorage(`${dir}/bot.db`);
    await reader.open();
    const stored = reader.get(`state:Tally:${user.id}`)?.value as { state: { count: number } } | undefined;
    reader.close();
    assert.equal(stored?.state.count, 1, "applied once, committed as the update was dead-lettered");
    assert.equal(errors.filter((e) => e instanceof BadInput).length, 3, "Profile's save, at each attempt");
  } finally {
    await loop.stop();
    await persistence.close();
    await emu.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("persistent delegates: a save the journal dropped as it closed (its update still running) is not taken for applied by the next loop", async () => {
  class Tally extends ChatHandler {
    state = { count: 0 };
    onChatMessage(): void {
      this.state.count += 1;
    }
  }
  let slow = true;
  class Slow extends ChatHandler {
    async onChatMessage(): Promise<void> {
      if (slow) await new Promise((r) => setTimeout(r, 500));
    }
  }
  const dir = await Deno.makeTempDir({ prefix: "persist_ack_" });
  const db = `${dir}/bot.db`;
  const emu = await BotApiEmulator.start();
  const { token } = emu.createBot({ username: "tally_bot" });
  const user = emu.createUser({ first_name: "U" });
  const bot = new DelegatorBot(token, [
    paveEventSpace()(perChatId(), createOpen, Tally, { timeout: 600 }),
    paveEventSpace()(perChatId(), createOpen, Slow, { timeout: 600 }),
  ], { apiRoot: emu.apiRoot, logger: { debug() {}, error() {} } });
  const persistence = await persist(bot, db);
  const options = { timeout: 1, relax: 0, journal: db, stopTimeout: 0.1 };
  let loop = bot.messageLoop(undefined, options);
  const reader = new SqliteStorage(db);
  try {
    await reader.open();
    await user.sendText(user.id, "one message");
    // Tally has handled it, its save staged with the ack; Slow is still at it when the loop stops.
    await until(() => bot.delegateCount === 2, 30, "both delegates open");
    await loop.stop();
    slow = false;
    await new Promise((r) => setTimeout(r, 600));
    loop = bot.messageLoop(undefined, options);
    const stored =
      () => (reader.get(`state:Tally:${user.id}`)?.value as { state: { count: number } } | undefined);
    await until(() => stored() !== undefined, 30, "the count stored by the next loop");
    assert.equal(stored()!.state.count, 1);
  } finally {
    await loop.stop();
    reader.close();
    await persistence.close();
    await emu.close();
    await Deno.remove(dir, { recursive: true });
  }
});
