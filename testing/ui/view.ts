/**
 * What the web page shows, as plain JSON built from the world: chats as a user sees them and messages as
 * bubbles (text with its entities, a file to show or download, buttons, a service line).
 *
 * @module
 */
import { MESSAGE_CONTENT_TYPES } from "../../api/classification.gen.ts";
import { TYPES } from "../../api/spec.gen.ts";
import type { MessageObj, Obj, UserObj } from "../types.ts";
import type { BotState, ChatState, World } from "../world.ts";

/** A person or bot as the page names them. */
export interface PersonView {
  /** Account id. */
  readonly id: number;
  /** First and last name. */
  readonly name: string;
  /** Username without `@`, when set. */
  readonly username?: string;
  /** Whether it is a bot. */
  readonly bot: boolean;
}

/** A chat in the list. */
export interface ChatView {
  /** Key of the chat ({@link chatKey}). */
  readonly key: string;
  /** Title: the group's, or the bot's name for a private chat. */
  readonly title: string;
  /** `private`, `group`, `supergroup` or `channel`. */
  readonly type: string;
  /** Current members (groups and channels). */
  readonly members: readonly PersonView[];
  /** Username of the bot of a private chat. */
  readonly bot?: string;
}

/** A file attached to a message, served by the page under `/files/<file_id>`. */
export interface MediaView {
  /** Content type: `photo`, `document`, `voice`, `audio`, `video`, `animation`, `sticker`, … */
  readonly kind: string;
  /** Address to show or download it from. */
  readonly url: string;
  /** File name, when known. */
  readonly name?: string;
  /** MIME type, when known. */
  readonly mime?: string;
}

/** One button of an inline keyboard, with what pressing it does. */
export interface ButtonView {
  /** Label. */
  readonly text: string;
  /** `callback`, `url`, `switch` (inline query), `pay`, `copy` or `other`. */
  readonly action: string;
  /** The URL, the inline query text, or the text to copy. */
  readonly value?: string;
}

/** A message as a bubble. */
export interface MessageView {
  /** Key of its chat. */
  readonly chat: string;
  /** Its id in the chat. */
  readonly id: number;
  /** Who wrote it (null for a channel post). */
  readonly from: PersonView | null;
  /** Unix time. */
  readonly date: number;
  /** Whether it was edited. */
  readonly edited: boolean;
  /** Text or caption. */
  readonly text?: string;
  /** Entities of the text or caption. */
  readonly entities?: readonly Obj[];
  /** A line for content that is not text (location, contact, dice, poll, invoice, service message). */
  readonly note?: string;
  /** Whether it is a service message (someone joined, left, was added; the title changed). */
  readonly service?: boolean;
  /** The attached file. */
  readonly media?: MediaView;
  /** Poll options with their vote counts, in order. */
  readonly poll?: readonly { readonly text: string; readonly votes: number }[];
  /** Whether its poll is closed (stopped by the bot): no more votes. */
  readonly pollClosed?: boolean;
  /** Whether it is an invoice the user can pay. */
  readonly invoice?: boolean;
  /** The message it replies to, in short. */
  readonly replyTo?: { readonly id: number; readonly from: string; readonly text: string };
  /** Username of the bot it was sent through (inline mode). */
  readonly via?: string;
  /** Rows of inline buttons. */
  readonly keyboard?: readonly (readonly ButtonView[])[];
}

/**
 * A chat's key in the page: the chat id, with `:<bot id>` for a private chat, since each bot has its own
 * private chat with a user under the same chat id.
 */
export function chatKey(state: ChatState): string {
  return state.peer === undefined ? String(state.chat.id) : `${state.chat.id}:${state.peer.user.id}`;
}

/** The chat behind a key, or undefined. */
export function chatByKey(world: World, key: string): ChatState | undefined {
  const [id, botId] = key.split(":");
  if (botId === undefined) return world.chats.get(Number(id));
  const user = world.users.get(Number(id));
  const bot = world.bots.get(Number(botId));
  return user === undefined || bot === undefined ? undefined : world.privateChat(user, bot);
}

/** Names an account. */
export function personView(user: UserObj): PersonView {
  const name = user.last_name === undefined ? user.first_name : `${user.first_name} ${user.last_name}`;
  return {
    id: user.id,
    name,
    bot: user.is_bot,
    ...(user.username !== undefined ? { username: user.username } : {}),
  };
}

/** The chats a user sees: a private chat with every bot, then the groups and channels they belong to. */
export function chatsOf(world: World, user: UserObj): ChatView[] {
  const out: ChatView[] = [];
  for (const bot of world.bots.values()) out.push(privateView(world.privateChat(user, bot), bot));
  for (const state of world.chats.values()) {
    if (world.isMember(state, user.id)) out.push(chatView(world, state));
  }
  return out;
}

function privateView(state: ChatState, bot: BotState): ChatView {
  return {
    key: chatKey(state),
    title: bot.user.first_name,
    type: "private",
    members: [personView(state.user!), personView(bot.sender)],
    bot: bot.user.username as string,
  };
}

/** One chat as the list and the chat header show it. */
export function chatView(world: World, state: ChatState): ChatView {
  if (state.peer !== undefined) return privateView(state, state.peer);
  const members: PersonView[] = [];
  for (const [id, member] of state.members) {
    if (world.isMember(state, id)) members.push(personView(member.user as UserObj));
  }
  return {
    key: chatKey(state),
    title: String(state.chat.title ?? state.chat.id),
    type: state.chat.type,
    members,
  };
}

/** A stored message as a bubble. */
export function messageView(state: ChatState, message: MessageObj): MessageView {
  const m = message as Obj;
  const rich = m.rich_message as Obj | undefined;
  const text = (m.text ?? m.caption ?? (rich === undefined ? undefined : richPlainText(rich.blocks))) as
    | string
    | undefined;
  const entities = (m.entities ?? m.caption_entities) as Obj[] | undefined;
  const reply = m.reply_to_message as MessageObj | undefined;
  const via = m.via_bot as UserObj | undefined;
  const media = mediaOf(m);
  const keyboard = keyboardOf(m);
  const poll = m.poll as Obj | undefined;
  const note = noteOf(m);
  return {
    chat: chatKey(state),
    id: message.message_id,
    from: message.from === undefined ? null : personView(message.from),
    date: message.date,
    edited: m.edit_date !== undefined,
    ...(text !== undefined ? { text } : {}),
    ...(entities !== undefined ? { entities } : {}),
    ...(note !== undefined ? { note } : {}),
    ...(SERVICE_FIELDS.some((field) => m[field] !== undefined) ? { service: true } : {}),
    ...(media !== undefined ? { media } : {}),
    ...(poll !== undefined
      ? { poll: (poll.options as Obj[]).map((o) => ({ text: String(o.text), votes: Number(o.voter_count) })) }
      : {}),
    ...(poll?.is_closed === true ? { pollClosed: true } : {}),
    ...(m.invoice !== undefined ? { invoice: true } : {}),
    ...(reply !== undefined
      ? {
        replyTo: {
          id: reply.message_id,
          from: reply.from === undefined ? "" : personView(reply.from).name,
          text: String(reply.text ?? reply.caption ?? `[${contentKind(reply as Obj)}]`),
        },
      }
      : {}),
    ...(via !== undefined ? { via: String(via.username) } : {}),
    ...(keyboard !== undefined ? { keyboard } : {}),
  };
}

/** Fields of the service messages the page shows as a line of their own. */
const SERVICE_FIELDS = ["new_chat_members", "left_chat_member", "new_chat_title"];

/** Content types that carry a file, in the order a message is checked for them (photo before document). */
const FILE_KINDS = ["photo", "sticker", "animation", "video", "video_note", "voice", "audio", "document"];

function mediaOf(m: Obj): MediaView | undefined {
  for (const kind of FILE_KINDS) {
    const value = m[kind];
    if (value === undefined) continue;
    const file = (Array.isArray(value) ? value.at(-1) : value) as Obj | undefined;
    if (file === undefined || typeof file.file_id !== "string") continue;
    return {
      kind,
      url: `/files/${encodeURIComponent(file.file_id)}`,
      ...(typeof file.file_name === "string" ? { name: file.file_name } : {}),
      ...(typeof file.mime_type === "string" ? { mime: file.mime_type } : {}),
    };
  }
  return undefined;
}

function keyboardOf(m: Obj): ButtonView[][] | undefined {
  const rows = (m.reply_markup as Obj | undefined)?.inline_keyboard as Obj[][] | undefined;
  if (rows === undefined) return undefined;
  return rows.map((row) => row.map(buttonView));
}

function buttonView(b: Obj): ButtonView {
  const text = String(b.text);
  if (typeof b.callback_data === "string" || b.callback_game !== undefined) {
    return { text, action: "callback" };
  }
  if (typeof b.url === "string") return { text, action: "url", value: b.url };
  if (typeof b.switch_inline_query_current_chat === "string") {
    return { text, action: "switch", value: b.switch_inline_query_current_chat };
  }
  if (typeof b.switch_inline_query === "string") {
    return { text, action: "switch", value: b.switch_inline_query };
  }
  if (b.pay === true) return { text, action: "pay" };
  const copy = b.copy_text as Obj | undefined;
  if (copy !== undefined) return { text, action: "copy", value: String(copy.text) };
  return { text, action: "other" };
}

function contentKind(m: Obj): string {
  return MESSAGE_CONTENT_TYPES.find((k) => m[k] !== undefined) ?? "message";
}

/**
 * The plain text of rich message blocks or RichText, one block a line: formatting dropped, list items
 * after their labels, a divider as a rule.
 */
function richPlainText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    const parts = value.map(richPlainText);
    const blocks = value.some((v) =>
      typeof v === "object" && v !== null && BLOCK_TYPES.has(String((v as Obj).type))
    );
    return parts.join(blocks ? "\n" : "");
  }
  if (typeof value !== "object" || value === null) return "";
  const v = value as Obj;
  if (v.type === "divider") return "———";
  if (v.type === "list") {
    return (v.items as Obj[]).map((item) => `${item.label} ${richPlainText(item.blocks)}`).join("\n");
  }
  if (v.type === "custom_emoji") return String(v.alternative_text);
  if (typeof v.expression === "string") return v.expression;
  return richPlainText(v.text ?? v.blocks ?? v.summary ?? (v.caption as Obj | undefined)?.text ?? "");
}

/** Rich block types (from the spec's RichBlock union), which the plain text puts on lines of their own. */
const BLOCK_TYPES: ReadonlySet<string> = new Set(
  TYPES.RichBlock.subtypes.map((name) => TYPES[name]?.fields.find((f) => f.name === "type")?.const ?? ""),
);

/** A line for content that is neither text nor a file: places, contacts, dice, polls, invoices, services. */
function noteOf(m: Obj): string | undefined {
  const name = (u: unknown) => personView(u as UserObj).name;
  if (Array.isArray(m.new_chat_members)) {
    const joined = (m.new_chat_members as UserObj[]).map(name).join(", ");
    const by = m.from as UserObj | undefined;
    return by !== undefined && (m.new_chat_members as UserObj[]).every((u) => u.id !== by.id)
      ? `${name(by)} added ${joined}`
      : `${joined} joined`;
  }
  if (m.left_chat_member !== undefined) return `${name(m.left_chat_member)} left`;
  if (m.new_chat_title !== undefined) return `title changed to ${m.new_chat_title}`;
  const location = m.location as Obj | undefined;
  const venue = m.venue as Obj | undefined;
  if (venue !== undefined) return `📍 ${venue.title}, ${venue.address}`;
  if (location !== undefined) return `📍 ${location.latitude}, ${location.longitude}`;
  const contact = m.contact as Obj | undefined;
  if (contact !== undefined) return `👤 ${contact.first_name} ${contact.phone_number}`;
  const dice = m.dice as Obj | undefined;
  if (dice !== undefined) return `${dice.emoji} ${dice.value}`;
  const poll = m.poll as Obj | undefined;
  if (poll !== undefined) return `📊 ${poll.question}${poll.is_closed === true ? " (closed)" : ""}`;
  const invoice = m.invoice as Obj | undefined;
  if (invoice !== undefined) {
    return `🧾 ${invoice.title}: ${(Number(invoice.total_amount) / 100).toFixed(2)} ${invoice.currency}`;
  }
  const payment = m.successful_payment as Obj | undefined;
  if (payment !== undefined) {
    return `✅ paid ${(Number(payment.total_amount) / 100).toFixed(2)} ${payment.currency}`;
  }
  const sticker = m.sticker as Obj | undefined;
  if (sticker !== undefined) return String(sticker.emoji ?? "sticker");
  const game = m.game as Obj | undefined;
  if (game !== undefined) return `🎮 ${game.title}`;
  if (m.suggested_post_approved !== undefined) return "✅ suggested post approved";
  if (m.suggested_post_declined !== undefined) return "✖️ suggested post declined";
  if (
    m.text === undefined && m.caption === undefined && m.rich_message === undefined
    && mediaOf(m) === undefined
  ) {
    return `[${contentKind(m)}]`;
  }
  return undefined;
}
