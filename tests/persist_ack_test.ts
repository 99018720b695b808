// A SQLite storage in the SQLite journal's file writes a delegate's state in the transaction that
// acknowledges the update: both are committed or neither, a write refused as it commits leaves the
// update unacknowledged, and a dead-lettered update's writes are dropped.
import assert from "node:assert/strict";
import { MemoryJournal } from "../bot/memory_journal.ts";
import { SqliteJournal } from "../bot/sqlite_journal.ts";
import { StateConflict } from "../exception/state_conflict.ts";
import { SqliteStorage } from "../storage/sqlite_storage.ts";

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

Deno.test("setWithAck: a write refused as it commits leaves the update unacked and is told", async () => {
  const { journal, storage, dir } = await pair();
  storage.set("k", { n: 0 });
  const failures: unknown[] = [];
  storage.setWithAck(journal, 2, "other", { ok: true }, 0, (e) => failures.push(e));
  storage.setWithAck(journal, 2, "k", { n: 1 }, 1, (e) => failures.push(e));
  storage.set("k", { n: 50 }); // another process, between the save and the ack
  journal.ack(2);
  await tick();
  assert.equal(failures.length, 2, "every write of the update is told");
  assert.ok(failures.every((e) => e instanceof StateConflict));
  assert.deepEqual(storage.get("k")!.value, { n: 50 });
  assert.equal(storage.get("other"), undefined, "rolled back with the refused one");
  // Held again (the file keeps its order for a restart; in memory it goes to the end of its lane).
  assert.deepEqual(journal.unacked().map((r) => r.id).sort(), [1, 2, 3], "not acked: taken again");
  journal.close();
  storage.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("setWithAck: a dead-lettered update's writes are dropped; other journals and files write directly", async () => {
  const { journal, storage, dir } = await pair();
  const failures: unknown[] = [];
  storage.setWithAck(journal, 3, "k", { n: 1 }, 0, (e) => failures.push(e));
  journal.deadLetter(3, 3, "failed");
  journal.ack(1);
  await tick();
  assert.equal(storage.get("k"), undefined);
  assert.equal(failures.length, 1);
  assert.equal(storage.setWithAck(new MemoryJournal(), 1, "k", 1, 0, () => {}), undefined);
  const elsewhere = new SqliteJournal(`${dir}/other.db`);
  await elsewhere.open();
  assert.equal(storage.setWithAck(elsewhere, 1, "k", 1, 0, () => {}), undefined);
  elsewhere.close();
  journal.close();
  storage.close();
  await Deno.remove(dir, { recursive: true });
});
