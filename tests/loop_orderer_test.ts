import assert from "node:assert/strict";
import { Backoff } from "../bot/backoff.ts";
import { chatKey } from "../bot/chat_key.ts";
import { Orderer, type Pending } from "../bot/orderer.ts";
import { until } from "./support/until.ts";

function make(maxhold: number) {
  const delivered: number[] = [];
  const late: number[] = [];
  const dones: number[] = [];
  const orderer = new Orderer({
    maxhold,
    deliver: (p) => delivered.push(p.update.update_id),
    late: (p) => late.push(p.update.update_id),
  });
  const push = (id: number) =>
    orderer.push({ update: { update_id: id } as Pending["update"], done: () => dones.push(id) });
  return { orderer, delivered, late, dones, push };
}

Deno.test("orderer: in-order ids pass straight through", () => {
  const { delivered, push } = make(1);
  for (const id of [5, 6, 7]) push(id);
  assert.deepEqual(delivered, [5, 6, 7]);
});

Deno.test("orderer: a repeated held id is delivered once, and each copy answered as the update is", () => {
  const delivered: Pending[] = [];
  const answers: string[] = [];
  const orderer = new Orderer({ maxhold: 10, deliver: (p) => delivered.push(p), late: () => {} });
  const push = (id: number, copy: string) =>
    orderer.push({
      update: { update_id: id } as Pending["update"],
      done: () => answers.push(copy),
      fail: () => answers.push(`${copy} failed`),
    });
  push(1, "1");
  push(3, "3");
  push(3, "3 again");
  push(4, "4");
  push(4, "4 again");
  assert.deepEqual(answers, [], "a copy waits for its update: until then a crash would lose it");
  push(2, "2");
  assert.deepEqual(delivered.map((p) => p.update.update_id), [1, 2, 3, 4]);
  assert.equal(orderer.holding, 0);
  delivered[2].done!();
  delivered[3].fail!(new Error("the journal failed"));
  assert.deepEqual(answers, ["3", "3 again", "4 failed", "4 again failed"]);
});

Deno.test("orderer: flush delivers everything held, in order, skipping gaps", () => {
  const { orderer, delivered, late, push } = make(10);
  push(1);
  push(5);
  push(3);
  orderer.flush();
  assert.deepEqual(delivered, [1, 3, 5]);
  push(4);
  assert.deepEqual(late, [4]);
});

Deno.test("orderer: after maxhold only what expired (and below it) goes", async () => {
  const { orderer, delivered, push } = make(0.5);
  push(1);
  push(3);
  await new Promise((r) => setTimeout(r, 250));
  push(6);
  // Waiting for 3 rather than for a fixed time: 6 has 250 ms of hold left then, whatever the load.
  await until(() => delivered.includes(3));
  assert.deepEqual(delivered, [1, 3], "3 expired; 6 still has time");
  assert.equal(orderer.holding, 1);
  push(4);
  push(5);
  assert.deepEqual(delivered, [1, 3, 4, 5, 6]);
});

Deno.test("backoff: delays grow to the cap, stay in its upper half, and reset", () => {
  const backoff = new Backoff({ initial: 1, max: 8 });
  const ceilings = [1, 2, 4, 8, 8];
  for (const ceiling of ceilings) {
    const delay = backoff.next();
    assert.ok(delay >= ceiling / 2 && delay <= ceiling, `${delay} within [${ceiling / 2}, ${ceiling}]`);
  }
  backoff.reset();
  assert.ok(backoff.next() <= 1);
  // Jitter: bots restarted together do not retry in step.
  const firsts = Array.from({ length: 50 }, () => new Backoff({ initial: 1 }).next());
  assert.ok(new Set(firsts).size > 40, "first delays are spread out");
  assert.ok(Math.max(...firsts) - Math.min(...firsts) > 0.1);
});

Deno.test("chatKey: chat, callback origin, user, poll", () => {
  assert.equal(chatKey({ message_id: 1, chat: { id: -5 } }), "c-5");
  assert.equal(chatKey({ id: "q", from: { id: 7 }, message: { chat: { id: 9 } } }), "c9");
  assert.equal(chatKey({ id: "q", from: { id: 7 }, query: "" }), "c7");
  assert.equal(chatKey({ id: "p", question: "?", options: [] }), "pp");
  assert.equal(chatKey({ poll_id: "p", option_ids: [], user: { id: 3 } }), "c3");
  assert.equal(chatKey({ something: 1 }), undefined);
});
