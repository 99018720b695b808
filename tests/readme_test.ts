/**
 * The README's TypeScript must compile: every ```ts block is written to its own module (with `./`
 * imports pointed at the repository) and type-checked with `deno check` against the project's config.
 */
import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";

const ROOT = new URL("../", import.meta.url);
const README = await Deno.readTextFile(new URL("README.md", ROOT));

/** A fenced ```ts block and the README line its code starts on. */
interface Block {
  readonly line: number;
  readonly code: string;
}

function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== "```ts") continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== "```") end++;
    blocks.push({ line: start + 1, code: lines.slice(start, end).join("\n") });
    i = end;
  }
  return blocks;
}

/** Points `./x` and `../x` specifiers at the repository, so a block compiles from anywhere. */
function anchored(code: string): string {
  return code.replace(
    /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(["'])(\.\.?\/[^"']+)\2/g,
    (_, lead: string, quote: string, path: string) => `${lead}${quote}${new URL(path, ROOT).href}${quote}`,
  );
}

Deno.test("the README's set-up commands are the two documented ones", () => {
  assert.ok(README.includes("npx -y deno@2.9.6 task demo\n"));
  assert.ok(README.includes("npx -y deno@2.9.6 task test\n"));
});

/** The headings the README must have, in this order (other sections may come between). */
const OUTLINE = [
  "## Set-up",
  "## A first bot",
  "## Concepts",
  "### Flavors",
  "### glance",
  "### Routing tables",
  "### Delegation",
  "### Events",
  "### Listeners",
  "## Receiving updates",
  "### Polling",
  "### Webhook",
  "### Queue",
  "### Delivery guarantees",
  "## Files",
  "## Errors",
  "## Testing your bot with the emulator",
  "## Regenerating the Bot API",
  "## Porting from telepot",
];

Deno.test("the README says what it is in two sentences, then has its sections in order", () => {
  const intro = README.slice(README.indexOf("\n\n") + 2, README.indexOf("\n## ")).trim();
  assert.equal(intro.split(/[.!?](?:\s|$)/).filter((s) => s.trim() !== "").length, 2, intro);
  const headings = README.split("\n").filter((line) => line.startsWith("#"));
  let at = -1;
  for (const heading of OUTLINE) {
    const next = headings.indexOf(heading, at + 1);
    assert.ok(next > at, `"${heading}" missing or out of order in: ${headings.join(" / ")}`);
    at = next;
  }
});

Deno.test("every TypeScript block of the README type-checks", async () => {
  const blocks = tsBlocks(README);
  assert.ok(blocks.length >= 10, `expected the README's code blocks, found ${blocks.length}`);
  // Code in any other fence would escape the check: only shell commands and sample output may.
  const fences = README.split("\n").filter((line) => /^```\S/.test(line.trim())).map((line) => line.trim());
  assert.deepEqual(fences.filter((fence) => !["```ts", "```sh", "```text"].includes(fence)), []);
  const dir = await Deno.makeTempDir({ prefix: "readme_check_" });
  try {
    const files: string[] = [];
    for (const [i, block] of blocks.entries()) {
      const file = `${dir}/block_${String(i + 1).padStart(2, "0")}_line_${block.line}.ts`;
      // `export {}` keeps each block a module of its own, so blocks never share globals.
      await Deno.writeTextFile(file, `${anchored(block.code)}\nexport {};\n`);
      files.push(file);
    }
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--config", new URL("deno.json", ROOT).pathname, ...files],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    assert.equal(code, 0, `README blocks failed to type-check (file names give the README line):\n${output}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the README check catches a block that does not type-check", async () => {
  const dir = await Deno.makeTempDir({ prefix: "readme_check_" });
  try {
    const file = `${dir}/broken.ts`;
    await Deno.writeTextFile(file, anchored(`import { Bot } from "./mod.ts";\nnew Bot(42);\nexport {};\n`));
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--config", new URL("deno.json", ROOT).pathname, file],
      stdout: "null",
      stderr: "null",
    }).output();
    assert.notEqual(code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the README's emulator test passes when run", async () => {
  const at = README.indexOf("## Testing your bot with the emulator");
  assert.ok(at >= 0, "the README has an emulator section");
  const [block] = tsBlocks(README.slice(at));
  assert.match(block.code, /Deno\.test\(/);
  const dir = await Deno.makeTempDir({ prefix: "readme_emulator_" });
  try {
    const file = `${dir}/bot_test.ts`;
    await Deno.writeTextFile(file, anchored(block.code));
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", "--no-check", "--config", new URL("deno.json", ROOT).pathname, file],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    assert.equal(code, 0, output);
    assert.match(output, /1 passed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The code of the README's first bot. */
function firstBot(markdown: string): string {
  const at = markdown.indexOf("## A first bot");
  assert.ok(at >= 0, "the README has a first bot");
  const [block] = tsBlocks(markdown.slice(at));
  return block.code;
}

const STICKER = {
  file_id: "sticker-1",
  file_unique_id: "s1",
  type: "regular",
  width: 512,
  height: 512,
  is_animated: false,
  is_video: false,
};

Deno.test("the README's first bot fits in 10 lines, echoes text (not stickers) and stops on Ctrl-C", async () => {
  const code = firstBot(README);
  assert.ok(code.split("\n").filter((line) => line.trim() !== "").length <= 10, code);
  // The one change: its Bot API server is the emulator instead of Telegram.
  const construction = `new Bot(Deno.env.get("TOKEN") ?? "123:test")`;
  assert.ok(code.includes(construction), code);
  const offline = code.replace(
    construction,
    `new Bot(Deno.env.get("TOKEN") ?? "123:test", { apiRoot: Deno.env.get("API_ROOT") })`,
  );
  const dir = await Deno.makeTempDir({ prefix: "readme_first_bot_" });
  await using emu = await BotApiEmulator.start();
  try {
    const file = `${dir}/echo.ts`;
    await Deno.writeTextFile(file, anchored(offline));
    const account = emu.createBot({ username: "echo_bot" });
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", new URL("deno.json", ROOT).pathname, file],
      env: { TOKEN: account.token, API_ROOT: emu.apiRoot },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    try {
      const alice = emu.createUser({ first_name: "Alice" });
      await alice.sendText(alice.id, "hello", { to: account });
      assert.equal((await emu.nextBotMessage(alice.id, { timeout: 20 })).text, "You said: hello");
      await alice.send(alice.id, { sticker: STICKER }, { to: account });
      await alice.sendText(alice.id, "still there?", { to: account });
      assert.equal((await emu.nextBotMessage(alice.id, { timeout: 10 })).text, "You said: still there?");
    } finally {
      child.kill("SIGINT");
    }
    const { code: exit, stdout } = await child.output();
    assert.equal(exit, 0);
    assert.match(new TextDecoder().decode(stdout), /Listening \.\.\./);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Every name of the telepot 10.1 reference, as the porting table's left column must mention it: its
 * index (classes, functions, methods, attributes), then what only its text names.
 */
const TELEPOT_NAMES = [
  "Administrator",
  "Answerer",
  "AnswererMixin",
  "BadFlavor",
  "BadHTTPResponse",
  "Bot",
  "BotWasBlockedError",
  "BotWasKickedError",
  "CallbackQueryCoordinator",
  "CallbackQueryOriginContext",
  "CallbackQueryOriginHandler",
  "ChatContext",
  "ChatHandler",
  "DESCRIPTION_PATTERNS",
  "DefaultRouterMixin",
  "DelegatorBot",
  "Editor",
  "EventNotFound",
  "IdleEventCoordinator",
  "IdleTerminate",
  "IdleTerminateMixin",
  "InlineUserHandler",
  "InterceptCallbackQueryMixin",
  "Listener",
  "ListenerContext",
  "MigratedToSupergroupChatError",
  "Monitor",
  "Router",
  "SafeDict",
  "Sender",
  "StandardEventMixin",
  "StandardEventScheduler",
  "StopListening",
  "TelegramError",
  "TelepotException",
  "TooManyRequestsError",
  "UnauthorizedError",
  "UserContext",
  "UserHandler",
  "WaitTooLong",
  "administrator",
  "answer",
  "answerCallbackQuery",
  "answerInlineQuery",
  "answerer",
  "augment_bot",
  "augment_edit",
  "augment_on_close",
  "augment_on_message",
  "augment_send",
  "bot",
  "by_chat_command",
  "by_command",
  "by_content_type",
  "by_data",
  "by_regex",
  "by_text",
  "call",
  "callback_query_coordinator",
  "cancel",
  "capture",
  "capture_origin",
  "chain",
  "chat_id",
  "configure",
  "create_open",
  "create_run",
  "description",
  "download_file",
  "editMessageCaption",
  "editMessageReplyMarkup",
  "editMessageText",
  "editor",
  "error_code",
  "event",
  "event_at",
  "event_later",
  "event_now",
  "event_space",
  "flance",
  "flavor",
  "fleece",
  "forwardMessage",
  "getChat",
  "getChatAdministrators",
  "getChatMember",
  "getChatMembersCount",
  "getFile",
  "getGameHighScores",
  "getMe",
  "getUpdates",
  "getUserProfilePhotos",
  "getWebhookInfo",
  "glance",
  "id",
  "idle_event_coordinator",
  "include_callback_query_chat_id",
  "intercept_callback_query_origin",
  "is_event",
  "json",
  "kickChatMember",
  "leaveChat",
  "listener",
  "lower_key",
  "make_content_type_routing_table",
  "make_event_data",
  "make_routing_table",
  "map",
  "message_identifier",
  "message_loop",
  "offender",
  "on__idle",
  "on_message",
  "openable",
  "origin",
  "origin_identifier",
  "pair",
  "pave_event_space",
  "peel",
  "per_application",
  "per_callback_query_chat_id",
  "per_callback_query_origin",
  "per_chat_id",
  "per_chat_id_except",
  "per_chat_id_in",
  "per_event_source_id",
  "per_from_id",
  "per_from_id_except",
  "per_from_id_in",
  "per_inline_from_id",
  "per_inline_from_id_except",
  "per_inline_from_id_in",
  "per_message",
  "process_key",
  "refresh",
  "response",
  "route",
  "router",
  "scheduler",
  "seconds",
  "sendAudio",
  "sendChatAction",
  "sendContact",
  "sendDocument",
  "sendGame",
  "sendLocation",
  "sendMessage",
  "sendPhoto",
  "sendSticker",
  "sendVenue",
  "sendVideo",
  "sendVoice",
  "sender",
  "setGameScore",
  "setWebhook",
  "status",
  "text",
  "unbanChatMember",
  "uncapture_origin",
  "until",
  "upper_key",
  "user_id",
  "wait",
  // message_loop's parameters, DelegatorBot's and glance's
  "callback",
  "relax",
  "timeout",
  "source",
  "ordered",
  "maxhold",
  "run_forever",
  "handle",
  "delegation_patterns",
  "long",
  // flavors and content types the text lists
  "chat",
  "edited_chat",
  "callback_query",
  "inline_query",
  "chosen_inline_result",
  "new_chat_member",
  // parameters the text names (some renamed by the Bot API since)
  "msg_identifier",
  "game_message_identifier",
  "context_id",
  "intercept_callback_query",
  "disable_web_page_preview",
  "reply_to_message_id",
  "switch_pm_text",
  "switch_pm_parameter",
  "edit_message",
  // telepot.namedtuple: incoming and outgoing objects
  "User",
  "Chat",
  "Message",
  "MessageEntity",
  "PhotoSize",
  "Audio",
  "Document",
  "Sticker",
  "Video",
  "Voice",
  "Contact",
  "Location",
  "Venue",
  "UserProfilePhotos",
  "File",
  "ChatMember",
  "CallbackQuery",
  "InlineQuery",
  "ChosenInlineResult",
  "ReplyKeyboardMarkup",
  "KeyboardButton",
  "ReplyKeyboardHide",
  "InlineKeyboardMarkup",
  "InlineKeyboardButton",
  "ForceReply",
  "InlineQueryResult",
  "InlineQueryResultArticle",
  "InputMessageContent",
  "InputTextMessageContent",
  // the modules, and the async version
  "telepot.api",
  "telepot.delegate",
  "telepot.exception",
  "telepot.helper",
  "telepot.namedtuple",
  "telepot.routing",
  "telepot.aio",
  "telepot.aio.api",
  "telepot.aio.delegate",
  "telepot.aio.helper",
  "telepot.aio.routing",
  "telepot.aio.Bot",
  "telepot.aio.DelegatorBot",
  "telepot.aio.helper.ChatHandler",
];

/** `text` as a literal inside a regular expression. */
function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The rows of the "Porting from telepot" table: telepot's side and ours. */
function portingRows(markdown: string): [telepot: string, ours: string][] {
  const start = markdown.indexOf("## Porting from telepot");
  assert.ok(start >= 0, "the README has a porting section");
  const end = markdown.indexOf("\n## ", start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return section.split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| --"))
    .map((line) => {
      const [left, right] = line.slice(1).split("|");
      return [left, right ?? ""];
    });
}

/** Whether `text` mentions `name` as a whole word. */
function mentions(text: string, name: string): boolean {
  return new RegExp(`(?<![\\w])${escaped(name)}(?![\\w])`).test(text);
}

Deno.test("the porting table names everything in the telepot reference", () => {
  const left = portingRows(README).map(([telepot]) => telepot).join(" ");
  const missing = TELEPOT_NAMES.filter((name) => !mentions(left, name));
  assert.deepEqual(missing, []);
});

/** snake_case names that do not become camelCase: flavors, and Bot API parameters renamed since. */
const NOT_CAMEL_CASED = new Set([
  "callback_query",
  "chosen_inline_result",
  "delegation_patterns",
  "disable_web_page_preview",
  "edit_message",
  "edited_chat",
  "game_message_identifier",
  "inline_query",
  "new_chat_member",
  "reply_to_message_id",
  "switch_pm_parameter",
  "switch_pm_text",
]);

Deno.test("the porting table gives each snake_case name its camelCase form (on__idle → onIdle)", () => {
  const rows = portingRows(README);
  const snake = TELEPOT_NAMES.filter((name) =>
    /^[a-z]+(_+[a-z]+)+$/.test(name) && !NOT_CAMEL_CASED.has(name)
  );
  assert.ok(snake.includes("on__idle") && snake.includes("per_chat_id") && snake.includes("message_loop"));
  const unmapped = snake.filter((name) => {
    const camel = name.replace(/_+([a-z])/g, (_, c: string) => c.toUpperCase());
    return !rows.some(([telepot, ours]) => mentions(telepot, name) && mentions(ours, camel));
  });
  assert.deepEqual(unmapped, []);
});
