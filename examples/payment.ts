/**
 * Selling something: `/buy` sends an invoice; Telegram then asks the bot where it ships
 * (`shipping_query`), and for a last confirmation (`pre_checkout_query`); a `successful_payment` message
 * closes the sale.
 *
 * Against Telegram, set `PROVIDER_TOKEN` to a payment provider token from @BotFather.
 * `deno task example payment --emulator` runs offline.
 *
 * @module
 */
import { BadInput, Bot, glance, type Message, type ShippingQuery } from "../mod.ts";
import type { Example } from "./_harness.ts";

/** Countries the shop ships to. */
const SHIPS_TO = new Set(["NL", "BE", "DE", "FR"]);

/** The payment example. */
export const example: Example = {
  summary: "invoice, shipping query, pre-checkout query and successful payment",
  // The emulator takes any provider token; Telegram needs a real one for a currency like EUR.
  prepare: () => ({ PROVIDER_TOKEN: "emulator:TEST" }),
  start({ token, apiRoot, log, env }) {
    const providerToken = env("PROVIDER_TOKEN");
    if (providerToken === undefined || providerToken === "") {
      throw new BadInput("PROVIDER_TOKEN", "a payment provider token from @BotFather");
    }
    const bot = new Bot(token, { apiRoot });
    return bot.messageLoop({
      chat: async (msg) => {
        const message = msg as Message;
        const [, , chatId] = glance(message);
        const paid = message.successful_payment;
        if (paid !== undefined) {
          log(`paid: ${paid.total_amount} ${paid.currency}, charge ${paid.telegram_payment_charge_id}`);
          await bot.sendMessage(chatId, `Thank you! Your plush is on its way (${paid.shipping_option_id}).`);
        } else if (message.text === "/buy") {
          await bot.sendInvoice(
            chatId,
            "Telepot plush",
            "A soft toy of the bot framework",
            "plush-1",
            "EUR",
            [
              { label: "Plush", amount: 1500 },
            ],
            { provider_token: providerToken, need_shipping_address: true, is_flexible: true },
          );
        } else {
          await bot.sendMessage(chatId, "Send /buy to buy a plush");
        }
      },
      shipping_query: async (msg) => {
        const query = msg as ShippingQuery;
        const [queryId, fromId, payload] = glance(query, "shipping_query");
        log(`shipping query from ${fromId} for ${payload}`);
        if (!SHIPS_TO.has(query.shipping_address.country_code)) {
          await bot.answerShippingQuery(queryId, false, { error_message: "Sorry, we do not ship there" });
          return;
        }
        await bot.answerShippingQuery(queryId, true, {
          shipping_options: [
            { id: "post", title: "Post", prices: [{ label: "Post", amount: 495 }] },
            { id: "pickup", title: "Pick-up point", prices: [{ label: "Pick-up", amount: 0 }] },
          ],
        });
      },
      pre_checkout_query: async (msg) => {
        const [queryId, fromId, payload] = glance(msg, "pre_checkout_query");
        log(`pre-checkout query from ${fromId} for ${payload}`);
        await bot.answerPreCheckoutQuery(queryId, true);
      },
    });
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
