/**
 * Selling something: `/buy` sends an invoice; Telegram then asks the bot where it ships
 * (`shipping_query`), and for a last confirmation (`pre_checkout_query`); a `successful_payment` message
 * closes the sale. As in telepot's payment example, each invoice gets its own `InvoiceHandler`:
 * `perInvoicePayload()` seeds the invoice's queries and its payment by the payload the invoice was sent
 * with.
 *
 * Against Telegram, set `PROVIDER_TOKEN` to a payment provider token from @BotFather.
 * `deno task example payment --emulator` runs offline.
 *
 * @module
 */
import {
  BadInput,
  call,
  createOpen,
  DelegatorBot,
  glance,
  type HandlerOptions,
  InvoiceHandler,
  type Message,
  paveEventSpace,
  perInvoicePayload,
  perMessage,
  type PreCheckoutQuery,
  type SeedTuple,
  type ShippingQuery,
} from "../mod.ts";
import type { Example } from "./_harness.ts";

/** Countries the shop ships to. */
const SHIPS_TO = new Set(["NL", "BE", "DE", "FR"]);

/** Options of a sale. */
interface SaleOptions extends HandlerOptions {
  /** Where the bot prints what it does. */
  readonly log: (line: string) => void;
}

/** One invoice's sale, from the shipping query to the payment. */
class Sale extends InvoiceHandler {
  readonly #log: (line: string) => void;

  constructor(seedTuple: SeedTuple, options: SaleOptions) {
    super(seedTuple, options);
    this.#log = options.log;
  }

  async onShippingQuery(query: ShippingQuery): Promise<void> {
    this.#log(`${this.payload}: ships to ${query.shipping_address.country_code}?`);
    if (!SHIPS_TO.has(query.shipping_address.country_code)) {
      await this.bot.answerShippingQuery(query.id, false, { error_message: "Sorry, we do not ship there" });
      return;
    }
    await this.bot.answerShippingQuery(query.id, true, {
      shipping_options: [
        { id: "post", title: "Post", prices: [{ label: "Post", amount: 495 }] },
        { id: "pickup", title: "Pick-up point", prices: [{ label: "Pick-up", amount: 0 }] },
      ],
    });
  }

  async onPreCheckoutQuery(query: PreCheckoutQuery): Promise<void> {
    this.#log(`${this.payload}: checkout, ${query.total_amount} ${query.currency}`);
    await this.bot.answerPreCheckoutQuery(query.id, true);
  }

  /** The invoice's only chat message: its successful payment. */
  async onChatMessage(msg: Message): Promise<void> {
    const paid = msg.successful_payment;
    if (paid === undefined) return;
    this.#log(`${this.payload}: paid, charge ${paid.telegram_payment_charge_id}`);
    await this.bot.sendMessage(
      msg.chat.id,
      `Thank you! Your plush is on its way (${paid.shipping_option_id}).`,
    );
    this.close();
  }
}

/** Answers a chat message: an invoice for `/buy`, directions for any other text. */
async function shopFront([bot, msg]: SeedTuple, providerToken: string): Promise<void> {
  const [contentType, , chatId] = glance(msg as Message);
  if (contentType !== "text") return; // e.g. a successful payment, which its Sale takes
  if ((msg as Message).text !== "/buy") {
    await bot.sendMessage(chatId, "Send /buy to buy a plush");
    return;
  }
  // A payload of its own per invoice, so each invoice gets its own Sale.
  const payload = `plush-${crypto.randomUUID()}`;
  await bot.sendInvoice(chatId, "Telepot plush", "A soft toy of the bot framework", payload, "EUR", [
    { label: "Plush", amount: 1500 },
  ], { provider_token: providerToken, need_shipping_address: true, is_flexible: true });
}

/** The payment example. */
export const example: Example = {
  summary: "invoice, shipping query, pre-checkout query and payment: one InvoiceHandler per invoice",
  // The emulator takes any provider token; Telegram needs a real one for a currency like EUR.
  prepare: () => ({ PROVIDER_TOKEN: "emulator:TEST" }),
  start({ token, apiRoot, log, env }) {
    const providerToken = env("PROVIDER_TOKEN");
    if (providerToken === undefined || providerToken === "") {
      throw new BadInput("PROVIDER_TOKEN", "a payment provider token from @BotFather");
    }
    const bot = new DelegatorBot(token, [
      [perMessage({ flavors: ["chat"] }), call(shopFront, providerToken)],
      paveEventSpace()(perInvoicePayload(), createOpen, Sale, { timeout: 600, log }),
    ], { apiRoot });
    return bot.messageLoop();
  },
  async script(scene) {
    const alice = scene.user("Alice");
    const invoice = await scene.exchange(alice, "/buy");
    await scene.pay(alice, invoice);
    await scene.reply(alice.id);

    const bob = scene.user("Bob");
    const bobsInvoice = await scene.exchange(bob, "/buy");
    await scene.pay(bob, bobsInvoice, {
      shipping_address: {
        country_code: "US",
        state: "NY",
        city: "New York",
        street_line1: "1 Main St",
        street_line2: "",
        post_code: "10001",
      },
    });
  },
};
