import { METHODS } from "../../api/spec.gen.ts";
import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { optArray, optBool, optFloat, optObj, optStr, reqStr } from "../params.ts";
import type { MessageObj, Obj } from "../types.ts";
import { MAX_TEXT, targetChat } from "./common.ts";
import { formattedText, pick, postBotMessage } from "./compose.ts";

function sendMessage(ctx: CallContext): MessageObj {
  const state = targetChat(ctx);
  const formatted = formattedText(ctx, "text", "entities", "parse_mode", MAX_TEXT);
  if (formatted === undefined || formatted.text.trim() === "") throw badRequest("message text is empty");
  const content: Obj = formatted.entities === undefined
    ? { text: formatted.text }
    : { text: formatted.text, entities: formatted.entities };
  const preview = optObj(ctx.params, "link_preview_options");
  if (preview !== undefined) content.link_preview_options = preview;
  return postBotMessage(ctx, state, content);
}

function location(ctx: CallContext): Obj {
  const latitude = optFloat(ctx.params, "latitude");
  const longitude = optFloat(ctx.params, "longitude");
  if (latitude === undefined || longitude === undefined) {
    throw badRequest("wrong latitude or longitude specified");
  }
  const out: Obj = { latitude, longitude };
  for (const name of ["horizontal_accuracy", "live_period", "heading", "proximity_alert_radius"]) {
    const v = optFloat(ctx.params, name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function sendLocation(ctx: CallContext): MessageObj {
  return postBotMessage(ctx, targetChat(ctx), { location: location(ctx) });
}

function sendVenue(ctx: CallContext): MessageObj {
  const state = targetChat(ctx);
  const venue: Obj = {
    location: location(ctx),
    title: reqStr(ctx.params, "title"),
    address: reqStr(ctx.params, "address"),
    ...pick(ctx.params, "foursquare_id", "foursquare_type", "google_place_id", "google_place_type"),
  };
  return postBotMessage(ctx, state, { venue, location: venue.location });
}

function sendContact(ctx: CallContext): MessageObj {
  const state = targetChat(ctx);
  const contact: Obj = {
    phone_number: reqStr(ctx.params, "phone_number"),
    first_name: reqStr(ctx.params, "first_name"),
    ...pick(ctx.params, "last_name", "vcard"),
  };
  return postBotMessage(ctx, state, { contact });
}

const DICE_FACES: Readonly<Record<string, number>> = {
  "🎲": 6,
  "🎯": 6,
  "🎳": 6,
  "🏀": 5,
  "⚽": 5,
  "🎰": 64,
};

function sendDice(ctx: CallContext): MessageObj {
  const state = targetChat(ctx);
  const emoji = optStr(ctx.params, "emoji") ?? "🎲";
  const faces = DICE_FACES[emoji];
  if (faces === undefined) throw badRequest("invalid dice emoji specified");
  return postBotMessage(ctx, state, { dice: { emoji, value: 1 + Math.floor(Math.random() * faces) } });
}

let pollCounter = 0;

function sendPoll(ctx: CallContext): MessageObj {
  const state = targetChat(ctx);
  const question = reqStr(ctx.params, "question", "poll question must be non-empty");
  const options = optArray(ctx.params, "options") ?? [];
  if (options.length < 2) throw badRequest("poll must have at least 2 option");
  if (options.length > 12) throw badRequest("poll can't have more than 12 options");
  const type = optStr(ctx.params, "type") ?? "regular";
  const poll: Obj = {
    id: `${Date.now()}${++pollCounter}`,
    question,
    options: options.map((o, i) => ({
      persistent_id: String(i),
      text: typeof o === "string" ? o : String((o as Obj).text ?? ""),
      voter_count: 0,
    })),
    total_voter_count: 0,
    is_closed: optBool(ctx.params, "is_closed") ?? false,
    is_anonymous: optBool(ctx.params, "is_anonymous") ?? true,
    type,
    allows_multiple_answers: optBool(ctx.params, "allows_multiple_answers") ?? false,
    allows_revoting: optBool(ctx.params, "allows_revoting") ?? type !== "quiz",
    members_only: optBool(ctx.params, "members_only") ?? false,
  };
  const correct = optArray(ctx.params, "correct_option_ids");
  if (correct !== undefined) poll.correct_option_ids = correct;
  return postBotMessage(ctx, state, { poll });
}

/** The chat actions the spec lists for sendChatAction's `action`. */
const CHAT_ACTIONS: ReadonlySet<unknown> = new Set(
  METHODS.sendChatAction?.params.find((p) => p.name === "action")?.enum ?? [],
);

function sendChatAction(ctx: CallContext): boolean {
  const state = targetChat(ctx);
  const action = reqStr(ctx.params, "action");
  if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
  ctx.world.changed({ kind: "action", chat: state, bot: ctx.bot, action });
  return true;
}

function sendInvoice(ctx: CallContext): MessageObj {
  const state = targetChat(ctx);
  const prices = optArray(ctx.params, "prices") ?? [];
  if (prices.length === 0) throw badRequest("prices must be non-empty");
  const total = prices.reduce<number>((sum, p) => sum + Number((p as Obj).amount ?? 0), 0);
  const invoice: Obj = {
    title: reqStr(ctx.params, "title"),
    description: reqStr(ctx.params, "description"),
    start_parameter: optStr(ctx.params, "start_parameter") ?? "",
    currency: reqStr(ctx.params, "currency"),
    total_amount: total,
  };
  const message = postBotMessage(ctx, state, { invoice });
  ctx.world.invoices.set(message, { ...ctx.params, prices, total_amount: total });
  return message;
}

function sendGame(ctx: CallContext): MessageObj {
  const state = targetChat(ctx);
  const name = reqStr(ctx.params, "game_short_name");
  return postBotMessage(ctx, state, {
    game: { title: name, description: `Game ${name}`, photo: [] },
  });
}

/** Text and structured content: messages, places, contacts, dice, polls, chat actions, invoices, games. */
export const SEND_METHODS: Readonly<Record<string, Handler>> = {
  sendMessage,
  sendLocation,
  sendVenue,
  sendContact,
  sendDice,
  sendPoll,
  sendChatAction,
  sendInvoice,
  sendGame,
};
