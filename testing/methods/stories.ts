import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { optInt, optObj } from "../params.ts";
import type { BusinessState } from "../stars.ts";
import type { ChatObj, Obj } from "../types.ts";
import { businessOf } from "./business.ts";
import { resolveFile } from "./common.ts";

/** A story a business account posted through the bot. */
interface StoryState {
  /** The posting account's connection. */
  readonly business: BusinessState;
  /** Story id within the account. */
  readonly id: number;
  /** Stored photo or video file id, caption and the rest, as posted. */
  content: Obj;
}

/** Stories by `<account user id>:<story id>`. */
const stories = new WeakMap<object, Map<string, StoryState>>();
/** Story periods Telegram offers: 6, 12, 24 and 48 hours. */
const ACTIVE_PERIODS: ReadonlySet<number> = new Set([21600, 43200, 86400, 172800]);

function storesOf(ctx: CallContext): Map<string, StoryState> {
  let map = stories.get(ctx.world);
  if (map === undefined) {
    map = new Map();
    stories.set(ctx.world, map);
  }
  return map;
}

/** The account's connection, which must grant can_manage_stories. */
function storyAccount(ctx: CallContext): BusinessState {
  const business = businessOf(ctx);
  if ((business.connection.rights as Obj | undefined)?.can_manage_stories !== true) {
    throw badRequest("BOT_ACCESS_FORBIDDEN");
  }
  return business;
}

/**
 * The content of a story, read as Client.cpp get_input_story_content reads it: an object with a type; the
 * photo or video must be an upload, never a file_id or URL.
 */
async function storyContent(ctx: CallContext): Promise<Obj> {
  const content = optObj(ctx.params, "content");
  if (content === undefined) throw badRequest("story content isn't specified");
  const kind = content.type;
  if (kind !== "photo" && kind !== "video") throw badRequest("invalid story content type specified");
  const value = content[kind];
  const upload = value instanceof File || (typeof value === "string" && value.startsWith("attach://"));
  if (!upload) throw badRequest(`story ${kind} must be uploaded as a file`);
  const file = await resolveFile(ctx, value, "stories");
  return { type: kind, file_id: file.file_id };
}

function period(ctx: CallContext): number {
  const seconds = optInt(ctx.params, "active_period") ?? 0;
  if (!ACTIVE_PERIODS.has(seconds)) throw badRequest("STORY_PERIOD_INVALID");
  return seconds;
}

function accountChat(business: BusinessState): ChatObj {
  const user = business.connection.user;
  const chat: ChatObj = { id: user.id, type: "private", first_name: user.first_name };
  if (user.last_name !== undefined) chat.last_name = user.last_name;
  if (user.username !== undefined) chat.username = user.username;
  return chat;
}

function publish(ctx: CallContext, business: BusinessState, content: Obj): Obj {
  const all = storesOf(ctx);
  const userId = business.connection.user.id;
  let id = 1;
  while (all.has(`${userId}:${id}`)) id++;
  all.set(`${userId}:${id}`, { business, id, content });
  return { chat: accountChat(business), id };
}

function story(ctx: CallContext, business: BusinessState): StoryState {
  const found = storesOf(ctx).get(`${business.connection.user.id}:${optInt(ctx.params, "story_id") ?? 0}`);
  if (found === undefined) throw badRequest("STORY_ID_INVALID");
  return found;
}

async function postStory(ctx: CallContext): Promise<Obj> {
  const business = storyAccount(ctx);
  const content = await storyContent(ctx);
  return publish(ctx, business, { ...content, active_period: period(ctx) });
}

async function editStory(ctx: CallContext): Promise<Obj> {
  const business = storyAccount(ctx);
  const found = story(ctx, business);
  found.content = { ...found.content, ...await storyContent(ctx) };
  return { chat: accountChat(business), id: found.id };
}

function deleteStory(ctx: CallContext): boolean {
  const business = storyAccount(ctx);
  const found = story(ctx, business);
  storesOf(ctx).delete(`${business.connection.user.id}:${found.id}`);
  return true;
}

function repostStory(ctx: CallContext): Obj {
  const business = storyAccount(ctx);
  const from = `${optInt(ctx.params, "from_chat_id") ?? 0}:${optInt(ctx.params, "from_story_id") ?? 0}`;
  const original = storesOf(ctx).get(from);
  // Only stories of accounts connected to the same bot can be reposted by it.
  if (original === undefined || original.business.bot !== ctx.bot) throw badRequest("STORY_ID_INVALID");
  return publish(ctx, business, { ...original.content, active_period: period(ctx) });
}

/** Stories of business accounts: post, edit, delete and repost. */
export const STORY_METHODS: Readonly<Record<string, Handler>> = {
  postStory,
  editStory,
  deleteStory,
  repostStory,
};
