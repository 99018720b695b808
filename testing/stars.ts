import { randomId } from "./files.ts";
import type { Obj, UserObj } from "./types.ts";
import { unixNow } from "./types.ts";
import type { BotState } from "./world.ts";

/** A Telegram Stars payment a bot received, refundable once. */
export interface StarCharge {
  /** Bot paid. */
  readonly bot: BotState;
  /** User who paid. */
  readonly user: UserObj;
  /** Stars paid. */
  readonly amount: number;
  /** Whether refundStarPayment gave it back. */
  refunded: boolean;
}

/** A business account a user connected to a bot (scripted through `BotApiEmulator.connectBusiness`). */
export interface BusinessState {
  /** The BusinessConnection object. */
  readonly connection: Obj & { id: string; user: UserObj; is_enabled: boolean };
  /** Bot connected. */
  readonly bot: BotState;
  /** The account's Stars balance. */
  stars: number;
  /** The account's bio (setBusinessAccountBio). */
  bio: string;
  /** Gift button and accepted gift types (setBusinessAccountGiftSettings). */
  giftSettings?: Obj;
}

/** Built-in gifts getAvailableGifts offers: id, price in Stars, emoji of its sticker. */
const GIFTS: readonly [string, number, string][] = [
  ["5170145012310081615", 15, "💝"],
  ["5170233102089322756", 15, "🧸"],
  ["5168103777563050263", 25, "🌹"],
  ["5170521118301225164", 100, "💎"],
];

/** Stars balances, payments, gifts and business accounts of one world. */
export class StarLedger {
  /** Balances by bot id. */
  readonly balances: Map<number, number> = new Map();
  /** StarTransaction objects by bot id, newest last. */
  readonly transactions: Map<number, Obj[]> = new Map();
  /** Payments by telegram_payment_charge_id. */
  readonly charges: Map<string, StarCharge> = new Map();
  /** OwnedGift objects by receiving user or chat id. */
  readonly ownedGifts: Map<number, Obj[]> = new Map();
  /** Business connections by id. */
  readonly business: Map<string, BusinessState> = new Map();

  /** Records a user's payment in Stars to a bot. */
  credit(bot: BotState, user: UserObj, amount: number, chargeId: string, payload: unknown): void {
    this.charges.set(chargeId, { bot, user, amount, refunded: false });
    this.#move(bot, amount, {
      type: "user",
      transaction_type: "invoice_payment",
      user,
      invoice_payload: payload,
    }, true);
  }

  /** Adds or takes Stars from a bot's balance and records the transaction. */
  #move(bot: BotState, amount: number, partner: Obj, incoming: boolean): void {
    const id = bot.user.id;
    this.balances.set(id, (this.balances.get(id) ?? 0) + (incoming ? amount : -amount));
    const list = this.transactions.get(id) ?? [];
    list.push({
      id: randomId(20),
      amount,
      date: unixNow(),
      [incoming ? "source" : "receiver"]: partner,
    });
    this.transactions.set(id, list);
  }

  /** Gives a payment back (refundStarPayment). */
  refund(charge: StarCharge, chargeId: string): void {
    charge.refunded = true;
    this.#move(charge.bot, charge.amount, {
      type: "user",
      transaction_type: "invoice_payment",
      user: charge.user,
      invoice_payload: chargeId,
    }, false);
  }

  /** Pays for a gift out of the bot's balance. */
  spend(bot: BotState, amount: number, partner: Obj): void {
    this.#move(bot, amount, partner, false);
  }

  /** Stars a business account sends to the bot (transferBusinessAccountStars). */
  receive(bot: BotState, amount: number, user: UserObj): void {
    this.#move(bot, amount, { type: "user", transaction_type: "business_account_transfer", user }, true);
  }

  /** The gifts on offer, as Gift objects whose stickers come from `sticker`. */
  static gifts(sticker: (emoji: string, i: number) => Obj): Obj[] {
    return GIFTS.map(([id, star_count, emoji], i) => ({ id, sticker: sticker(emoji, i), star_count }));
  }
}
