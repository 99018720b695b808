import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";
import { call, ok } from "./emulator_helpers.ts";
import { until } from "./support/until.ts";

async function checkoutOf(emu: BotApiEmulator, bot: { token: string }): Promise<Any> {
  let found: Any;
  await until(() => {
    found = emu.pendingUpdates(bot).find((u: Any) => u.pre_checkout_query !== undefined);
    return found !== undefined;
  });
  return found.pre_checkout_query;
}

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("stars: a payment in XTR credits the bot, shows as a transaction, is refunded once; gifts cost stars", async () => {
  await using emu = await BotApiEmulator.start({ strict: true });
  const bot = emu.createBot({ username: "shop_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  const root = emu.apiRoot;
  const invoice = await ok<Any>(root, bot.token, "sendInvoice", {
    chat_id: alice.id,
    title: "Pack",
    description: "Stickers",
    payload: "pack-1",
    currency: "XTR",
    prices: [{ label: "Pack", amount: 40 }],
  });
  const paying = alice.pay(invoice);
  const checkout = await checkoutOf(emu, bot);
  await ok(root, bot.token, "answerPreCheckoutQuery", { pre_checkout_query_id: checkout.id, ok: true });
  const outcome = await paying;
  assert.equal(outcome.ok, true);
  const charge = (outcome as Any).message.successful_payment.telegram_payment_charge_id;
  assert.deepEqual(await ok(root, bot.token, "getMyStarBalance"), { amount: 40 });
  const history = await ok<Any>(root, bot.token, "getStarTransactions");
  assert.equal(history.transactions[0].amount, 40);
  assert.equal(history.transactions[0].source.user.id, alice.id);

  const gifts = await ok<Any>(root, bot.token, "getAvailableGifts");
  const cheap = gifts.gifts.find((g: Any) => g.star_count <= 40);
  assert.equal(typeof cheap.sticker.file_id, "string");
  await ok(root, bot.token, "sendGift", { user_id: alice.id, gift_id: cheap.id, text: "thanks" });
  const owned = await ok<Any>(root, bot.token, "getUserGifts", { user_id: alice.id });
  assert.equal(owned.total_count, 1);
  assert.equal(owned.gifts[0].gift.id, cheap.id);
  assert.deepEqual(await ok(root, bot.token, "getMyStarBalance"), { amount: 40 - cheap.star_count });
  const unknownGift = await call(root, bot.token, "sendGift", { user_id: alice.id, gift_id: "1" });
  assert.equal(unknownGift.body.description, "Bad Request: STARGIFT_INVALID");

  const poor = await call(root, bot.token, "refundStarPayment", {
    user_id: alice.id,
    telegram_payment_charge_id: charge,
  });
  assert.equal(poor.body.description, "Bad Request: BALANCE_TOO_LOW");
  const unknown = await call(root, bot.token, "refundStarPayment", {
    user_id: alice.id,
    telegram_payment_charge_id: "tg_x",
  });
  assert.equal(unknown.body.description, "Bad Request: CHARGE_NOT_FOUND");
});

Deno.test("refundStarPayment gives a payment back once: CHARGE_ALREADY_REFUNDED the second time", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "shop_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  const root = emu.apiRoot;
  const invoice = await ok<Any>(root, bot.token, "sendInvoice", {
    chat_id: alice.id,
    title: "T",
    description: "D",
    payload: "p",
    currency: "XTR",
    prices: [{ label: "x", amount: 5 }],
  });
  const paying = alice.pay(invoice);
  const checkout = await checkoutOf(emu, bot);
  await ok(root, bot.token, "answerPreCheckoutQuery", { pre_checkout_query_id: checkout.id, ok: true });
  const charge = ((await paying) as Any).message.successful_payment.telegram_payment_charge_id;
  await ok(root, bot.token, "refundStarPayment", { user_id: alice.id, telegram_payment_charge_id: charge });
  assert.deepEqual(await ok(root, bot.token, "getMyStarBalance"), { amount: 0 });
  const again = await call(root, bot.token, "refundStarPayment", {
    user_id: alice.id,
    telegram_payment_charge_id: charge,
  });
  assert.equal(again.body.description, "Bad Request: CHARGE_ALREADY_REFUNDED");
});

Deno.test("createInvoiceLink answers a https://t.me/$ link; no prices, or a stars subscription other than 30 days, are refused", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "shop_bot" });
  const root = emu.apiRoot;
  const base = {
    title: "T",
    description: "D",
    payload: "p",
    currency: "XTR",
    prices: [{ label: "x", amount: 5 }],
  };
  assert.match(await ok<string>(root, bot.token, "createInvoiceLink", base), /^https:\/\/t\.me\/\$[\w-]+$/);
  const monthly = await ok<string>(root, bot.token, "createInvoiceLink", {
    ...base,
    subscription_period: 2592000,
  });
  assert.match(monthly, /^https:\/\/t\.me\/\$/);
  const weekly = await call(root, bot.token, "createInvoiceLink", { ...base, subscription_period: 604800 });
  assert.equal(weekly.body.description, "Bad Request: SUBSCRIPTION_PERIOD_INVALID");
  const none = await call(root, bot.token, "createInvoiceLink", { ...base, prices: [] });
  assert.equal(none.body.description, "Bad Request: there must be at least one price");
});

Deno.test("business connections: a scripted connection, its account methods and rights; an unknown id is refused everywhere", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "desk_bot" });
  const other = emu.createBot({ username: "other_bot" });
  const owner = emu.createUser({ first_name: "Olga", username: "olga_shop" });
  const root = emu.apiRoot;
  const connection = emu.connectBusiness(owner, bot, { stars: 30 });
  const update = emu.pendingUpdates(bot).find((u: Any) => u.business_connection !== undefined) as Any;
  assert.equal(update.business_connection.id, connection.id);
  const got = await ok<Any>(root, bot.token, "getBusinessConnection", {
    business_connection_id: connection.id,
  });
  assert.equal(got.user.id, owner.id);
  await ok(root, bot.token, "setBusinessAccountName", {
    business_connection_id: connection.id,
    first_name: "Olga's Shop",
  });
  assert.equal(owner.user.first_name, "Olga's Shop");
  await ok(root, bot.token, "transferBusinessAccountStars", {
    business_connection_id: connection.id,
    star_count: 20,
  });
  assert.deepEqual(
    await ok(root, bot.token, "getBusinessAccountStarBalance", { business_connection_id: connection.id }),
    { amount: 10 },
  );
  assert.deepEqual(await ok(root, bot.token, "getMyStarBalance"), { amount: 20 });
  const tooMuch = await call(root, bot.token, "transferBusinessAccountStars", {
    business_connection_id: connection.id,
    star_count: 20,
  });
  assert.equal(tooMuch.body.description, "Bad Request: BALANCE_TOO_LOW");

  // Client.cpp TdOnCheckBusinessConnectionCallback: "business connection not found", for modelled and
  // generic methods alike, and for another bot's connection.
  for (
    const [token, method, params] of [
      [bot.token, "getBusinessConnection", { business_connection_id: "nope" }],
      [other.token, "getBusinessConnection", { business_connection_id: connection.id }],
      [bot.token, "sendMessage", { business_connection_id: "nope", chat_id: owner.id, text: "x" }],
      [bot.token, "readBusinessMessage", {
        business_connection_id: "nope",
        chat_id: owner.id,
        message_id: 1,
      }],
    ] as const
  ) {
    const refused = await call(root, token, method, params);
    assert.equal(refused.body.description, "Bad Request: business connection not found", method);
  }
  const limited = emu.connectBusiness(emu.createUser({ first_name: "Max" }), bot, {
    rights: { can_reply: true },
  });
  const forbidden = await call(root, bot.token, "setBusinessAccountBio", {
    business_connection_id: limited.id,
    bio: "x",
  });
  assert.equal(forbidden.body.description, "Bad Request: BOT_ACCESS_FORBIDDEN");
});

Deno.test("stories of a business account: post an upload, edit, repost, delete; rights, periods and file ids refused", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "story_bot" });
  const owner = emu.createUser({ first_name: "Olga" });
  const root = emu.apiRoot;
  const id = emu.connectBusiness(owner, bot).id;
  const post = async (params: Record<string, string>, name = "photo") => {
    const form = new FormData();
    for (const [k, v] of Object.entries(params)) form.append(k, v);
    form.append(name, new Blob([new Uint8Array([1, 2, 3])], { type: "image/jpeg" }), "s.jpg");
    const r = await fetch(`${root}/bot${bot.token}/postStory`, { method: "POST", body: form });
    return { status: r.status, body: await r.json() };
  };
  const posted = await post({
    business_connection_id: id,
    content: JSON.stringify({ type: "photo", photo: "attach://photo" }),
    active_period: "86400",
  });
  assert.equal(posted.status, 200, JSON.stringify(posted.body));
  assert.deepEqual([posted.body.result.chat.id, posted.body.result.id], [owner.id, 1]);
  // Client.cpp get_input_story_content: "Story photo must be uploaded as a file".
  const byId = await call(root, bot.token, "postStory", {
    business_connection_id: id,
    content: { type: "photo", photo: "AgACAgIAAxkBAAE" },
    active_period: 86400,
  });
  assert.equal(byId.body.description, "Bad Request: story photo must be uploaded as a file");
  const week = await post({
    business_connection_id: id,
    content: JSON.stringify({ type: "photo", photo: "attach://photo" }),
    active_period: "604800",
  });
  assert.equal(week.body.description, "Bad Request: STORY_PERIOD_INVALID");
  const reposted = await ok<Any>(root, bot.token, "repostStory", {
    business_connection_id: id,
    from_chat_id: owner.id,
    from_story_id: 1,
    active_period: 43200,
  });
  assert.equal(reposted.id, 2);
  const editForm = new FormData();
  editForm.append("business_connection_id", id);
  editForm.append("story_id", "1");
  editForm.append("content", JSON.stringify({ type: "video", video: "attach://clip" }));
  editForm.append("clip", new Blob([new Uint8Array([9])], { type: "video/mp4" }), "c.mp4");
  const edited = await fetch(`${root}/bot${bot.token}/editStory`, { method: "POST", body: editForm });
  assert.equal((await edited.json()).result.id, 1);
  await ok(root, bot.token, "deleteStory", { business_connection_id: id, story_id: 1 });
  const gone = await call(root, bot.token, "deleteStory", { business_connection_id: id, story_id: 1 });
  assert.equal(gone.body.description, "Bad Request: STORY_ID_INVALID");
  const limited = emu.connectBusiness(emu.createUser({ first_name: "Max" }), bot, {
    rights: { can_reply: true },
  });
  const noRight = await call(root, bot.token, "deleteStory", {
    business_connection_id: limited.id,
    story_id: 2,
  });
  assert.equal(noRight.body.description, "Bad Request: BOT_ACCESS_FORBIDDEN");
});

Deno.test("a business account's gifts, photo, gift settings and messages: convert, upgrade, transfer; rights checked", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "desk_bot" });
  const owner = emu.createUser({ first_name: "Olga" });
  const friend = emu.createUser({ first_name: "Fred" });
  const client = emu.createUser({ first_name: "Carl" });
  const root = emu.apiRoot;
  const id = emu.connectBusiness(owner, bot, { stars: 100 }).id;
  // The bot earns stars and gives the account two gifts.
  const invoice = await ok<Any>(root, bot.token, "sendInvoice", {
    chat_id: client.id,
    title: "T",
    description: "D",
    payload: "p",
    currency: "XTR",
    prices: [{ label: "x", amount: 100 }],
  });
  const paying = client.pay(invoice);
  await ok(root, bot.token, "answerPreCheckoutQuery", {
    pre_checkout_query_id: (await checkoutOf(emu, bot)).id,
    ok: true,
  });
  await paying;
  const gifts = (await ok<Any>(root, bot.token, "getAvailableGifts")).gifts;
  await ok(root, bot.token, "sendGift", { user_id: owner.id, gift_id: gifts[0].id });
  await ok(root, bot.token, "sendGift", { user_id: owner.id, gift_id: gifts[1].id });
  let owned = await ok<Any>(root, bot.token, "getBusinessAccountGifts", { business_connection_id: id });
  assert.equal(owned.total_count, 2);
  const [first, second] = owned.gifts;

  await ok(root, bot.token, "convertGiftToStars", {
    business_connection_id: id,
    owned_gift_id: first.owned_gift_id,
  });
  assert.deepEqual(
    await ok(root, bot.token, "getBusinessAccountStarBalance", { business_connection_id: id }),
    { amount: 100 + first.gift.star_count },
  );
  await ok(root, bot.token, "upgradeGift", {
    business_connection_id: id,
    owned_gift_id: second.owned_gift_id,
    star_count: 25,
  });
  owned = await ok<Any>(root, bot.token, "getBusinessAccountGifts", { business_connection_id: id });
  assert.equal(owned.gifts[0].type, "unique");
  await ok(root, bot.token, "transferGift", {
    business_connection_id: id,
    owned_gift_id: second.owned_gift_id,
    new_owner_chat_id: friend.id,
  });
  assert.equal(
    (await ok<Any>(root, bot.token, "getUserGifts", { user_id: friend.id })).gifts[0].type,
    "unique",
  );
  const gone = await call(root, bot.token, "convertGiftToStars", {
    business_connection_id: id,
    owned_gift_id: first.owned_gift_id,
  });
  assert.equal(gone.body.description, "Bad Request: STARGIFT_INVALID");

  const form = new FormData();
  form.append("business_connection_id", id);
  form.append("photo", JSON.stringify({ type: "static", photo: "attach://pic" }));
  form.append("pic", new Blob([new Uint8Array([1])], { type: "image/jpeg" }), "p.jpg");
  const photo = await fetch(`${root}/bot${bot.token}/setBusinessAccountProfilePhoto`, {
    method: "POST",
    body: form,
  });
  assert.equal((await photo.json()).result, true);
  assert.equal(
    (await ok<Any>(root, bot.token, "getUserProfilePhotos", { user_id: owner.id })).total_count,
    1,
  );
  await ok(root, bot.token, "removeBusinessAccountProfilePhoto", { business_connection_id: id });
  assert.equal(
    (await ok<Any>(root, bot.token, "getUserProfilePhotos", { user_id: owner.id })).total_count,
    0,
  );
  await ok(root, bot.token, "setBusinessAccountGiftSettings", {
    business_connection_id: id,
    show_gift_button: true,
    accepted_gift_types: {
      unlimited_gifts: true,
      limited_gifts: true,
      unique_gifts: true,
      premium_subscription: true,
      gifts_from_channels: false,
    },
  });

  const list = await ok<Any>(root, bot.token, "sendChecklist", {
    business_connection_id: id,
    chat_id: client.id,
    checklist: { title: "T", tasks: [{ id: 1, text: "a" }] },
  });
  await ok(root, bot.token, "readBusinessMessage", {
    business_connection_id: id,
    chat_id: client.id,
    message_id: list.message_id,
  });
  await ok(root, bot.token, "deleteBusinessMessages", {
    business_connection_id: id,
    message_ids: [list.message_id],
  });
  assert.equal(emu.message(client.id, list.message_id, { bot }), undefined);

  const limited = emu.connectBusiness(emu.createUser({ first_name: "Max" }), bot, {
    rights: { can_reply: true },
  });
  const noRight = await call(root, bot.token, "deleteBusinessMessages", {
    business_connection_id: limited.id,
    message_ids: [1],
  });
  assert.equal(noRight.body.description, "Bad Request: BOT_ACCESS_FORBIDDEN");
});

Deno.test("giftPremiumSubscription costs the docs' price in stars and makes the user Premium", async () => {
  await using emu = await BotApiEmulator.start();
  const bot = emu.createBot({ username: "shop_bot" });
  const alice = emu.createUser({ first_name: "Alice", startedBots: [bot] });
  const root = emu.apiRoot;
  const poor = await call(root, bot.token, "giftPremiumSubscription", {
    user_id: alice.id,
    month_count: 3,
    star_count: 1000,
  });
  assert.equal(poor.body.description, "Bad Request: BALANCE_TOO_LOW");
  emu.world.stars.balances.set(bot.id, 1200);
  const wrongPrice = await call(root, bot.token, "giftPremiumSubscription", {
    user_id: alice.id,
    month_count: 3,
    star_count: 900,
  });
  assert.equal(wrongPrice.body.description, "Bad Request: STARS_AMOUNT_INVALID");
  const months = await call(root, bot.token, "giftPremiumSubscription", {
    user_id: alice.id,
    month_count: 4,
    star_count: 1000,
  });
  assert.equal(months.status, 400);
  await ok(root, bot.token, "giftPremiumSubscription", {
    user_id: alice.id,
    month_count: 3,
    star_count: 1000,
  });
  assert.equal(alice.user.is_premium, true);
  assert.deepEqual(await ok(root, bot.token, "getMyStarBalance"), { amount: 200 });
});
