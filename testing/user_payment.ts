import type { Message, OrderInfo, ShippingAddress } from "../api/types.gen.ts";
import { ScriptError } from "./failure.ts";
import { randomId } from "./files.ts";
import { DEFAULT_OBSERVE_SECONDS, queryAnswer } from "./observe.ts";
import type { Obj } from "./types.ts";
import type { Actor, MessageRef } from "./user_types.ts";

/** Outcome of {@link ScriptedUser.pay}. */
export type PaymentOutcome =
  | { readonly ok: true; readonly message: Message }
  | { readonly ok: false; readonly stage: "shipping" | "pre_checkout"; readonly error_message: string };

/** Options of {@link ScriptedUser.pay}. */
export interface PayOptions {
  /** Address given when the invoice asks for shipping. */
  readonly shipping_address?: ShippingAddress;
  /** Order info (name, phone, email) handed to the bot. */
  readonly order_info?: OrderInfo;
  /** Seconds to wait for each of the bot's answers; default 5. */
  readonly timeout?: number;
}

const DEFAULT_ADDRESS: ShippingAddress = {
  country_code: "NL",
  state: "",
  city: "Amsterdam",
  street_line1: "Dam 1",
  street_line2: "",
  post_code: "1012JS",
};

/**
 * Pays an invoice the bot sent: a `shipping_query` first when the invoice is flexible, then a
 * `pre_checkout_query`; once the bot approves both, a `successful_payment` message is posted.
 */
export async function payInvoice(
  actor: Actor,
  invoice: MessageRef,
  options: PayOptions = {},
): Promise<PaymentOutcome> {
  const { world } = actor.host;
  const state = actor.chatOf(invoice);
  const message = world.message(state, invoice.message_id);
  const params = message === undefined ? undefined : world.invoices.get(message);
  const bot = state.authors[invoice.message_id - 1];
  if (params === undefined || bot === null || bot === undefined) {
    throw new ScriptError("not an invoice of a bot");
  }
  const seconds = options.timeout ?? DEFAULT_OBSERVE_SECONDS;
  let total = Number(params.total_amount);
  let shippingOptionId: string | undefined;
  if (params.is_flexible === true || params.is_flexible === "true") {
    const shipping = world.openQuery("shipping_query", bot, (id) => ({
      id,
      from: actor.user,
      invoice_payload: params.payload,
      shipping_address: options.shipping_address ?? DEFAULT_ADDRESS,
    }));
    bot.queue.push("shipping_query", shipping.query);
    const answer = await queryAnswer(shipping, seconds);
    if (answer.ok !== true) {
      return { ok: false, stage: "shipping", error_message: String(answer.error_message ?? "") };
    }
    const option = (answer.shipping_options as Obj[])[0];
    shippingOptionId = String(option.id);
    for (const price of (option.prices ?? []) as Obj[]) total += Number(price.amount ?? 0);
  }
  const checkout = world.openQuery("pre_checkout_query", bot, (id) => ({
    id,
    from: actor.user,
    currency: params.currency,
    total_amount: total,
    invoice_payload: params.payload,
    ...(shippingOptionId !== undefined ? { shipping_option_id: shippingOptionId } : {}),
    ...(options.order_info !== undefined ? { order_info: options.order_info } : {}),
  }));
  bot.queue.push("pre_checkout_query", checkout.query);
  const answer = await queryAnswer(checkout, seconds);
  if (answer.ok !== true) {
    return { ok: false, stage: "pre_checkout", error_message: String(answer.error_message ?? "") };
  }
  const chargeId = `tg_${randomId(16)}`;
  if (params.currency === "XTR") world.stars.credit(bot, actor.user, total, chargeId, params.payload);
  const paid = actor.post(state, {
    successful_payment: {
      currency: params.currency,
      total_amount: total,
      invoice_payload: params.payload,
      telegram_payment_charge_id: chargeId,
      provider_payment_charge_id: `pr_${randomId(16)}`,
      ...(shippingOptionId !== undefined ? { shipping_option_id: shippingOptionId } : {}),
      ...(options.order_info !== undefined ? { order_info: options.order_info } : {}),
    },
  });
  return { ok: true, message: paid };
}
