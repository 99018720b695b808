import assert from "node:assert/strict";
import { TYPES } from "../api/spec.gen.ts";
import { BotApiEmulator, ScriptError } from "../testing/mod.ts";
import { ok } from "./emulator_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

async function setup() {
  const emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "mod_bot" });
  const owner = emu.createUser({ first_name: "Owner" });
  const bob = emu.createUser({ first_name: "Bob" });
  const group = emu.createGroup({ title: "G", type: "supergroup", members: [owner, bob], bots: [bot] });
  const restrict = (permissions: Any, extra: Any = {}) =>
    ok(emu.apiRoot, bot.token, "restrictChatMember", {
      chat_id: group.id,
      user_id: bob.id,
      permissions,
      ...extra,
    });
  const member = () =>
    ok<Any>(emu.apiRoot, bot.token, "getChatMember", { chat_id: group.id, user_id: bob.id });
  return { emu, bot, owner, bob, group, restrict, member };
}

// Bob, in the group, and Carol, out of it, restricted for a minute. A restriction for under 30 seconds
// is for ever, so a real expiry takes half a minute: the tests move the records' until_date into the
// past instead (pastUntil).
async function restrictBobAndCarol({ emu, bot, group, restrict }: Awaited<ReturnType<typeof setup>>) {
  const carol = emu.createUser({ first_name: "Carol" });
  const until = Math.floor(Date.now() / 1000) + 60;
  await restrict({ can_send_messages: false }, { until_date: until });
  await ok(emu.apiRoot, bot.token, "restrictChatMember", {
    chat_id: group.id,
    user_id: carol.id,
    permissions: { can_send_messages: false },
    until_date: until,
  });
  return carol;
}

function pastUntil(
  { emu, group }: Awaited<ReturnType<typeof setup>>,
  users: readonly { id: number }[],
): void {
  for (const user of users) {
    emu.chat(group.id).members.get(user.id)!.until_date = Math.floor(Date.now() / 1000) - 1;
  }
}

async function refused(post: Promise<unknown>, permission: string): Promise<void> {
  await assert.rejects(post, (e: unknown) => {
    assert.ok(e instanceof ScriptError, String(e));
    assert.match(e.message, new RegExp(`${permission} is false`));
    return true;
  });
}

Deno.test("a restricted member is a complete ChatMemberRestricted: every permission, is_member, until_date", async () => {
  const { emu, restrict, member } = await setup();
  try {
    await restrict({ can_send_messages: false });
    const got = await member();
    assert.equal(got.status, "restricted");
    for (const field of TYPES.ChatMemberRestricted.fields) {
      if (field.required) assert.ok(field.name in got, `getChatMember lacks ${field.name}`);
    }
    assert.equal(got.is_member, true);
    assert.equal(got.until_date, 0);
    // As the real server reads it: an omitted permission is false.
    for (const field of TYPES.ChatPermissions.fields) assert.equal(got[field.name], false, field.name);
  } finally {
    await emu.close();
  }
});

Deno.test("a restricted member cannot post what their permissions forbid, by the kind of content", async () => {
  const { emu, bob, group, restrict } = await setup();
  try {
    await restrict({ can_send_messages: false });
    await refused(bob.sendText(group.id, "still talking"), "can_send_messages");
    await refused(bob.sendPhoto(group.id), "can_send_photos");
    assert.deepEqual(emu.transcript(group.id), [], "nothing was posted");

    // Text allowed, media not (can_send_messages alone implies nothing else).
    await restrict({ can_send_messages: true });
    await bob.sendText(group.id, "text is fine");
    await refused(bob.sendPhoto(group.id), "can_send_photos");
    await refused(bob.sendSticker(group.id), "can_send_other_messages");
    await refused(bob.send(group.id, { poll: { question: "?", options: [] } }), "can_send_polls");

    // Independent permissions: photos without text.
    await restrict({ can_send_photos: true }, { use_independent_chat_permissions: true });
    await bob.sendPhoto(group.id);
    await refused(bob.sendText(group.id, "no"), "can_send_messages");
    await refused(bob.sendDocument(group.id, new Uint8Array(1), "a.txt"), "can_send_documents");

    // Without independent permissions, can_send_other_messages implies media and text.
    await restrict({ can_send_other_messages: true });
    await bob.sendSticker(group.id);
    await bob.sendPhoto(group.id);
    await bob.sendText(group.id, "and text");
    assert.equal(emu.transcript(group.id).length, 5);
  } finally {
    await emu.close();
  }
});

Deno.test("granting every permission lifts a restriction; chat permissions bind plain members, not the owner", async () => {
  const { emu, bot, owner, bob, group, restrict, member } = await setup();
  try {
    await restrict({ can_send_messages: false });
    const all = Object.fromEntries(TYPES.ChatPermissions.fields.map((f) => [f.name, true]));
    await restrict(all);
    assert.equal((await member()).status, "member");
    await bob.sendText(group.id, "back");

    await ok(emu.apiRoot, bot.token, "setChatPermissions", {
      chat_id: group.id,
      permissions: { can_send_messages: true },
    });
    const chat = await ok<Any>(emu.apiRoot, bot.token, "getChat", { chat_id: group.id });
    assert.equal(chat.permissions.can_send_photos, false, "getChat shows the complete permissions");
    await refused(bob.sendPhoto(group.id), "can_send_photos");
    await bob.sendText(group.id, "text still fine");
    await owner.sendPhoto(group.id);
  } finally {
    await emu.close();
  }
});

Deno.test("a restriction runs until its until_date; one for under 30 seconds is forever", async () => {
  const { emu, bob, group, restrict, member } = await setup();
  try {
    await restrict({ can_send_messages: false }, { until_date: Math.floor(Date.now() / 1000) + 5 });
    assert.equal((await member()).until_date, 0, "under 30 seconds: forever");
    await refused(bob.sendText(group.id, "no"), "can_send_messages");
    const soon = Math.floor(Date.now() / 1000) + 60;
    await restrict({ can_send_messages: false }, { until_date: soon });
    assert.equal((await member()).until_date, soon);
    emu.chat(group.id).members.get(bob.id)!.until_date = Math.floor(Date.now() / 1000) - 1;
    await bob.sendText(group.id, "the restriction ran out");
  } finally {
    await emu.close();
  }
});

Deno.test("an omitted can_react_to_messages follows can_send_messages as the legacy media flag left it", async () => {
  const { emu, restrict, member } = await setup();
  try {
    // get_chat_permissions: can_send_media_messages grants can_send_messages first, then reactions follow.
    await restrict({ can_send_media_messages: true });
    let got = await member();
    assert.equal(got.can_send_messages, true);
    assert.equal(got.can_react_to_messages, true);
    // Independent permissions: media alone grants no text, so no reactions either.
    await restrict({ can_send_media_messages: true }, { use_independent_chat_permissions: true });
    got = await member();
    assert.equal(got.can_send_messages, false);
    assert.equal(got.can_react_to_messages, false);
    // Polls imply can_send_messages only after reactions were settled: none.
    await restrict({ can_send_polls: true });
    got = await member();
    assert.equal(got.can_send_messages, true);
    assert.equal(got.can_react_to_messages, false);
  } finally {
    await emu.close();
  }
});

Deno.test("a restriction outlasts leaving and joining: by join, by being added, by an approved request", async () => {
  const { emu, bot, owner, bob, group, restrict, member } = await setup();
  try {
    const carol = emu.createUser({ first_name: "Carol" });
    const dan = emu.createUser({ first_name: "Dan" });
    const root = emu.apiRoot;
    const get = (user: { id: number }) =>
      ok<Any>(root, bot.token, "getChatMember", { chat_id: group.id, user_id: user.id });
    const restrictOut = (user: { id: number }) =>
      ok(root, bot.token, "restrictChatMember", {
        chat_id: group.id,
        user_id: user.id,
        permissions: { can_send_photos: true },
      });

    // A member who leaves stays restricted, out of the chat.
    await restrict({ can_send_photos: true });
    await bob.leave(group.id);
    let got = await member();
    assert.deepEqual([got.status, got.is_member, got.can_send_photos], ["restricted", false, true]);
    await bob.join(group.id);
    got = await member();
    assert.deepEqual([got.status, got.is_member, got.can_send_photos], ["restricted", true, true]);
    await refused(bob.sendText(group.id, "no"), "can_send_messages");
    await bob.sendPhoto(group.id);

    // Restricted before ever joining: being added or approved keeps it too.
    await restrictOut(carol);
    assert.equal((await get(carol)).is_member, false);
    await owner.addMember(group.id, carol);
    got = await get(carol);
    assert.deepEqual([got.status, got.is_member, got.can_send_messages], ["restricted", true, false]);
    await refused(carol.sendText(group.id, "no"), "can_send_messages");

    await restrictOut(dan);
    await dan.requestJoin(group.id);
    await ok(root, bot.token, "approveChatJoinRequest", { chat_id: group.id, user_id: dan.id });
    got = await get(dan);
    assert.deepEqual([got.status, got.is_member, got.can_send_messages], ["restricted", true, false]);
    await refused(dan.sendText(group.id, "no"), "can_send_messages");
  } finally {
    await emu.close();
  }
});

Deno.test("a restriction past its until_date is gone: getChatMember shows a plain member, or left when out", async () => {
  const world = await setup();
  const { emu, bot, bob, group, member } = world;
  try {
    const carol = await restrictBobAndCarol(world);
    const getCarol = () =>
      ok<Any>(emu.apiRoot, bot.token, "getChatMember", { chat_id: group.id, user_id: carol.id });
    assert.equal((await member()).status, "restricted");
    assert.equal((await getCarol()).status, "restricted");
    pastUntil(world, [bob, carol]);
    assert.deepEqual(await member(), { status: "member", user: bob.user });
    assert.deepEqual(await getCarol(), { status: "left", user: carol.user });
    await bob.sendText(group.id, "free again");
    await carol.join(group.id);
    assert.equal((await getCarol()).status, "member");
    await carol.sendText(group.id, "and me");
  } finally {
    await emu.close();
  }
});

Deno.test("reacting needs can_react_to_messages, from a restriction or the chat's permissions", async () => {
  const { emu, bot, owner, bob, group, restrict } = await setup();
  try {
    const carol = emu.createUser({ first_name: "Carol" });
    await carol.join(group.id);
    const said = await owner.sendText(group.id, "react to this");
    await restrict({ can_send_messages: true, can_react_to_messages: false });
    await refused(bob.react(said, ["👍"]), "can_react_to_messages");
    await carol.react(said, ["👍"]);
    await ok(emu.apiRoot, bot.token, "setChatPermissions", {
      chat_id: group.id,
      permissions: { can_send_messages: true, can_react_to_messages: false },
    });
    await refused(carol.react(said, ["🔥"]), "can_react_to_messages");
    // The owner is bound by no permission.
    await owner.react(said, ["🔥"]);
  } finally {
    await emu.close();
  }
});

// Telegram's clients show a restriction ending on their own; the emulator tells the chat's bots with a
// chat_member update then (see the README on why this is assumed rather than established).
Deno.test("a restriction lapsing at its until_date is a chat_member update at that moment, with no look-up", async () => {
  const { emu, bot, bob, group, restrict } = await setup();
  try {
    await ok(emu.apiRoot, bot.token, "getUpdates", { allowed_updates: ["chat_member"] });
    // The Bot API's 30-second floor applies to restrictChatMember; the world takes a record ending in a
    // second directly, so the lapse timer can be watched in a test.
    await restrict({ can_send_messages: false });
    const restricted = {
      ...emu.chat(group.id).members.get(bob.id)!,
      until_date: Math.floor(Date.now() / 1000) + 1,
    };
    emu.world.changeMember(emu.chat(group.id), emu.bot(bot).sender, restricted);
    const seen = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", {});
    const offset = seen[seen.length - 1].update_id + 1;
    // Nothing looks Bob up meanwhile: only the timer can raise the update.
    const lapsed = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { offset, timeout: 5 });
    assert.equal(lapsed.length, 1);
    const change = lapsed[0].chat_member;
    assert.deepEqual(
      [change.old_chat_member.status, change.old_chat_member.until_date, change.new_chat_member],
      ["restricted", restricted.until_date, { status: "member", user: bob.user }],
    );
    assert.equal(change.from.id, bob.id, "nobody acts: the change is the member's own");
    assert.equal(change.date, restricted.until_date);
    assert.deepEqual(emu.chat(group.id).members.get(bob.id), { status: "member", user: bob.user });
  } finally {
    await emu.close();
  }
});

Deno.test("a lapsed restriction seen first by a look-up is the same single chat_member update", async () => {
  const world = await setup();
  const { emu, bot, bob, group, member } = world;
  try {
    const carol = await restrictBobAndCarol(world);
    const seen = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates", { allowed_updates: ["chat_member"] });
    assert.equal(seen.length, 0, "allowed_updates applies from the call on");
    pastUntil(world, [bob, carol]);
    assert.equal((await member()).status, "member");
    assert.equal((await member()).status, "member");
    await bob.sendText(group.id, "free again");
    await carol.join(group.id);
    const updates = await ok<Any[]>(emu.apiRoot, bot.token, "getUpdates");
    assert.deepEqual(
      updates.map((
        { chat_member: c },
      ) => [c.new_chat_member.user.id, c.old_chat_member.status, c.new_chat_member.status]),
      [
        [bob.id, "restricted", "member"],
        // Carol, restricted while out of the chat, lapses to left before her join is told.
        [carol.id, "restricted", "left"],
        [carol.id, "left", "member"],
      ],
    );
  } finally {
    await emu.close();
  }
});

Deno.test("a restriction a call makes while the emulator closes sets no timer: the process ends at once", async () => {
  // A call held by a latency fault is answered during close; its restriction lapses in two minutes.
  const script = `
    import { BotApiEmulator } from ${JSON.stringify(new URL("../testing/mod.ts", import.meta.url).href)};
    const emu = await BotApiEmulator.start();
    const bot = emu.createBot({ username: "mod_bot" });
    const alice = emu.createUser({ first_name: "Alice" });
    const bob = emu.createUser({ first_name: "Bob" });
    const group = emu.createGroup({ title: "S", type: "supergroup", members: [alice, bob], bots: [bot] });
    emu.injectFault({ method: "restrictChatMember", latency: 5 });
    const call = fetch(emu.apiRoot + "/bot" + bot.token + "/restrictChatMember", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        chat_id: group.id,
        user_id: bob.id,
        until_date: Math.floor(Date.now() / 1000) + 120,
        permissions: { can_send_messages: false },
      }),
    }).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 200));
    await emu.close();
    console.log(JSON.stringify(await call), emu.world.member(emu.chat(group.id), bob.id)?.status);
  `;
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "piped",
    stderr: "inherit",
    // Killed (not 0) if a two-minute timer kept the process.
    signal: AbortSignal.timeout(30_000),
  }).output();
  assert.equal(code, 0, "no two-minute timer kept the process");
  assert.match(
    new TextDecoder().decode(stdout),
    /"ok":true.* restricted/,
    "the call was answered during close",
  );
});
