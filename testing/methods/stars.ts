import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { randomId } from "../files.ts";
import { optArray, optBool, optInt, optStr, reqStr } from "../params.ts";
import { StarLedger } from "../stars.ts";
import type { Obj } from "../types.ts";
import { unixNow } from "../types.ts";

/** Telegram's only subscription period, 30 days. */
const SUBSCRIPTION_PERIOD = 2592000;

function gifts(ctx: CallContext): Obj[] {
  const stickers = ctx.world.stickerSets.get("emulatoranimals")?.set.stickers ?? [];
  return StarLedger.gifts((_, i) => stickers[i % stickers.length]);
}

function sendGift(ctx: CallContext): boolean {
  const userId = optInt(ctx.params, "user_id");
  const chatId = ctx.params.chat_id;
  let receiver: number;
  if (userId !== undefined) {
    if (ctx.world.findUser(userId) === undefined) throw badRequest("user not found");
    receiver = userId;
  } else if (chatId !== undefined) {
    const state = ctx.world.findChat(chatId, ctx.bot);
    if (state === undefined) throw badRequest("chat not found");
    receiver = state.chat.id;
  } else {
    throw badRequest("user_id or chat_id must be specified");
  }
  const gift = gifts(ctx).find((g) => g.id === reqStr(ctx.params, "gift_id"));
  if (gift === undefined) throw badRequest("STARGIFT_INVALID");
  const price = Number(gift.star_count) + (optBool(ctx.params, "pay_for_upgrade") ? 25 : 0);
  const ledger = ctx.world.stars;
  if ((ledger.balances.get(ctx.bot.user.id) ?? 0) < price) throw badRequest("BALANCE_TOO_LOW");
  ledger.spend(ctx.bot, price, { type: "other" });
  const owned: Obj = { type: "regular", gift, owned_gift_id: randomId(12), send_date: unixNow() };
  const text = optStr(ctx.params, "text");
  if (text !== undefined && text !== "") owned.text = text;
  ledger.ownedGifts.set(receiver, [...(ledger.ownedGifts.get(receiver) ?? []), owned]);
  return true;
}

/** OwnedGifts of a user or chat, paged by a numeric offset string. */
export function ownedGifts(ctx: CallContext, owner: number): Obj {
  const all = ctx.world.stars.ownedGifts.get(owner) ?? [];
  const offset = Number(optStr(ctx.params, "offset") ?? "0") || 0;
  const limit = Math.min(Math.max(optInt(ctx.params, "limit") ?? 100, 1), 100);
  const page = all.slice(offset, offset + limit);
  const out: Obj = { total_count: all.length, gifts: page };
  if (offset + limit < all.length) out.next_offset = String(offset + limit);
  return out;
}

function refundStarPayment(ctx: CallContext): boolean {
  const id = reqStr(ctx.params, "telegram_payment_charge_id");
  const charge = ctx.world.stars.charges.get(id);
  if (charge === undefined || charge.bot !== ctx.bot || charge.user.id !== optInt(ctx.params, "user_id")) {
    throw badRequest("CHARGE_NOT_FOUND");
  }
  if (charge.refunded) throw badRequest("CHARGE_ALREADY_REFUNDED");
  if ((ctx.world.stars.balances.get(ctx.bot.user.id) ?? 0) < charge.amount) {
    throw badRequest("BALANCE_TOO_LOW");
  }
  ctx.world.stars.refund(charge, id);
  return true;
}

/** The docs' prices of a Premium gift in Stars, by months. */
const PREMIUM_PRICES: Readonly<Record<number, number>> = { 3: 1000, 6: 1500, 12: 2500 };

function giftPremiumSubscription(ctx: CallContext): boolean {
  const user = ctx.world.findUser(optInt(ctx.params, "user_id"));
  if (user === undefined || user.is_bot) throw badRequest("user not found");
  const months = optInt(ctx.params, "month_count") ?? 0;
  const price = PREMIUM_PRICES[months];
  if (price === undefined) throw badRequest("PREMIUM_GIFT_MONTHS_INVALID");
  if (optInt(ctx.params, "star_count") !== price) throw badRequest("STARS_AMOUNT_INVALID");
  const ledger = ctx.world.stars;
  if ((ledger.balances.get(ctx.bot.user.id) ?? 0) < price) throw badRequest("BALANCE_TOO_LOW");
  ledger.spend(ctx.bot, price, { type: "user", transaction_type: "premium_purchase", user });
  user.is_premium = true;
  return true;
}

/** createInvoiceLink: checked as sendInvoice is, answered with a `https://t.me/$…` link. */
function createInvoiceLink(ctx: CallContext): string {
  const prices = (optArray(ctx.params, "prices") ?? []) as Obj[];
  // Client.cpp get_labeled_price_parts: "There must be at least one price".
  if (prices.length === 0) throw badRequest("there must be at least one price");
  const currency = reqStr(ctx.params, "currency");
  const stars = currency === "XTR";
  if (stars && prices.length !== 1) throw badRequest("CURRENCY_TOTAL_AMOUNT_INVALID");
  if (!stars && (optStr(ctx.params, "provider_token") ?? "") === "") {
    throw badRequest("PAYMENT_PROVIDER_INVALID");
  }
  const period = optInt(ctx.params, "subscription_period");
  if (period !== undefined && (!stars || period !== SUBSCRIPTION_PERIOD)) {
    throw badRequest("SUBSCRIPTION_PERIOD_INVALID");
  }
  return `https://t.me/$${randomId(22)}`;
}

/** Stars balance and transactions, refunds, gifts and invoice links. */
export const STAR_METHODS: Readonly<Record<string, Handler>> = {
  getMyStarBalance: (ctx) => ({ amount: ctx.world.stars.balances.get(ctx.bot.user.id) ?? 0 }),
  getStarTransactions: (ctx) => {
    const all = ctx.world.stars.transactions.get(ctx.bot.user.id) ?? [];
    const offset = Math.max(optInt(ctx.params, "offset") ?? 0, 0);
    const limit = Math.min(Math.max(optInt(ctx.params, "limit") ?? 100, 1), 100);
    return { transactions: all.slice(offset, offset + limit) };
  },
  refundStarPayment,
  getAvailableGifts: (ctx) => ({ gifts: gifts(ctx) }),
  sendGift,
  getUserGifts: (ctx) => {
    const id = optInt(ctx.params, "user_id") ?? 0;
    if (ctx.world.findUser(id) === undefined) throw badRequest("user not found");
    return ownedGifts(ctx, id);
  },
  getChatGifts: (ctx) => {
    const state = ctx.world.findChat(ctx.params.chat_id, ctx.bot);
    if (state === undefined) throw badRequest("chat not found");
    return ownedGifts(ctx, state.chat.id);
  },
  createInvoiceLink,
  giftPremiumSubscription,
};
