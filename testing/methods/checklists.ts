import type { CallContext, Handler } from "../context.ts";
import { badRequest } from "../failure.ts";
import { optObj } from "../params.ts";
import type { MessageObj, Obj } from "../types.ts";
import { unixNow } from "../types.ts";
import { businessOf } from "./business.ts";
import { targetChat } from "./common.ts";
import { accounts, formatted, postBotMessage } from "./compose.ts";
import type { UserLookup } from "./format.ts";

/** The docs' limits: a title of 1-255 characters, 1-30 tasks of 1-100 characters with distinct positive ids. */
const MAX_TITLE = 255;
const MAX_TASKS = 30;
const MAX_TASK_TEXT = 100;

/** The Checklist a message shows for an InputChecklist: parse modes applied, limits checked. */
function checklistOf(input: Obj, users: UserLookup): Obj {
  if (typeof input.title !== "string" || input.title.trim() === "") {
    throw badRequest("checklist title is empty");
  }
  const mode = typeof input.parse_mode === "string" ? input.parse_mode : undefined;
  const title = formatted(
    input.title,
    input.title_entities as Obj[] | undefined,
    mode,
    MAX_TITLE,
    "caption",
    users,
  );
  const tasks = Array.isArray(input.tasks) ? input.tasks as Obj[] : [];
  if (tasks.length === 0 || tasks.length > MAX_TASKS) throw badRequest("checklist must have 1-30 tasks");
  const ids = new Set<number>();
  const out: Obj = {
    title: title.text,
    tasks: tasks.map((task) => {
      const id = Number(task.id);
      if (!Number.isInteger(id) || id <= 0 || ids.has(id)) {
        throw badRequest("checklist task identifiers must be distinct and positive");
      }
      ids.add(id);
      if (typeof task.text !== "string" || task.text.trim() === "") {
        throw badRequest("checklist task text is empty");
      }
      const taskMode = typeof task.parse_mode === "string" ? task.parse_mode : undefined;
      const text = formatted(
        task.text,
        task.text_entities as Obj[] | undefined,
        taskMode,
        MAX_TASK_TEXT,
        "caption",
        users,
      );
      return text.entities === undefined
        ? { id, text: text.text }
        : { id, text: text.text, text_entities: text.entities };
    }),
  };
  if (title.entities !== undefined) out.title_entities = title.entities;
  for (const flag of ["others_can_add_tasks", "others_can_mark_tasks_as_done"]) {
    if (input[flag] === true) out[flag] = true;
  }
  return out;
}

/** Checklists go out on behalf of a business account, into a private chat. */
function businessChat(ctx: CallContext) {
  const business = businessOf(ctx);
  const state = targetChat(ctx);
  if (state.user === undefined) throw badRequest("checklists can be sent only to private chats");
  return { business, state };
}

function sendChecklist(ctx: CallContext): MessageObj {
  const { business, state } = businessChat(ctx);
  const checklist = checklistOf(optObj(ctx.params, "checklist") ?? {}, accounts(ctx.world));
  const message = postBotMessage(ctx, state, { checklist, business_connection_id: business.connection.id });
  message.from = business.connection.user;
  return message;
}

function editMessageChecklist(ctx: CallContext): MessageObj {
  const { state } = businessChat(ctx);
  const message = ctx.world.message(state, ctx.params.message_id);
  if (message === undefined) throw badRequest("message to edit not found");
  if (message.checklist === undefined || state.authors[message.message_id - 1] !== ctx.bot) {
    throw badRequest("message can't be edited");
  }
  message.checklist = checklistOf(
    optObj(ctx.params, "checklist") ?? {},
    accounts(ctx.world),
  ) as MessageObj["checklist"];
  message.edit_date = unixNow();
  ctx.world.recordBotEdit(state, message);
  return message;
}

/** Checklists sent and edited for a business account. */
export const CHECKLIST_METHODS: Readonly<Record<string, Handler>> = { sendChecklist, editMessageChecklist };
