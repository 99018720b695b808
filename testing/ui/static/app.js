// The emulator's web page: one user at a time, one open chat, live changes over Server-Sent Events.
// Plain DOM; text from bots and users is only ever set as text, never parsed as HTML.
import { messageNode, personName } from "./bubble.js";
import { el } from "./dom.js";

const $ = (id) => document.getElementById(id);
const state = {
  user: 0,
  chat: "",
  users: [],
  bots: [],
  chats: [],
  attached: null,
  /** The message the next one replies to: `{ id, label }`, or null. */
  replyTo: null,
  /** Set when a bot asked for a reply (force_reply): its next message becomes the reply target. */
  forceReply: false,
  inlineTimer: 0,
  inlineAsked: "",
  activityTimer: 0,
  unread: new Set(),
  /**
   * Whether the list follows new messages: the reader is at its end. Kept from scroll events so that
   * adding a message never has to read the layout (a read after each insertion lays the list out again).
   */
  pinned: true,
  /** Counts chat openings: a fetch that a later opening overtook is dropped. */
  opening: 0,
  /**
   * While the open chat's history is fetched, the live changes that arrived meanwhile: id → the message
   * as changed, or null once deleted. The fetched history is older than some of them, so they are laid
   * over it (otherwise a deletion or edit made during the fetch would be undone on screen).
   */
  pending: null,
  /** The reply keyboard a live change set during that fetch (undefined: none did). */
  pendingKeyboard: undefined,
};

async function api(path, body) {
  const init = body === undefined
    ? {}
    : body instanceof FormData
    ? { method: "POST", body }
    : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, init);
  const value = await response.json();
  if (!response.ok) throw new Error(value.error ?? response.statusText);
  return value;
}

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(box.timer);
  box.timer = setTimeout(() => (box.hidden = true), 5000);
}

function alertBox(text) {
  $("alert-text").textContent = text;
  $("alert").showModal();
}

function failed(error) {
  toast(`Error: ${error.message}`);
}
// ---- messages

async function pressButton(message, button, row, column) {
  try {
    if (button.action === "callback") {
      const { answer } = await api("/api/press", {
        user: state.user,
        chat: state.chat,
        message: message.id,
        row,
        column,
      });
      if (answer && typeof answer.text === "string" && answer.text !== "") {
        if (answer.show_alert === true) alertBox(answer.text);
        else toast(answer.text);
      }
    } else if (button.action === "switch") {
      const bot = message.via ?? message.from?.username ?? "";
      $("text").value = `@${bot} ${button.value}`;
      $("text").focus();
      askInline();
    } else if (button.action === "pay") {
      const outcome = await api("/api/pay", { user: state.user, chat: state.chat, message: message.id });
      if (outcome.ok !== true) toast(`Payment refused: ${outcome.error_message}`);
    } else if (button.action === "copy") {
      await navigator.clipboard?.writeText(button.value);
      toast("Copied");
    }
  } catch (error) {
    failed(error);
  }
}

async function vote(message, option) {
  try {
    await api("/api/vote", { user: state.user, chat: state.chat, message: message.id, option });
  } catch (error) {
    failed(error);
  }
}

function bubble(message) {
  return messageNode(message, {
    me: state.user,
    title: currentChat()?.title ?? "",
    press: pressButton,
    vote,
    reply: replyTo,
    command: send,
  });
}

/** The item a message with this id goes before: null (the end) for the newest, as almost every one is. */
function insertionPoint(list, id) {
  let before = null;
  for (let li = list.lastElementChild; li && Number(li.dataset.id) > id; li = li.previousElementSibling) {
    before = li;
  }
  return before;
}

/** Shows one live message: replaces the one with its id, or inserts it in id order. */
function showMessage(message) {
  const list = $("messages");
  const node = bubble(message);
  const old = list.querySelector(`li[data-id="${message.id}"]`);
  if (old) {
    old.replaceWith(node);
    return;
  }
  list.insertBefore(node, insertionPoint(list, message.id));
  if (state.pinned || (message.from && message.from.id === state.user)) scrollToEnd();
}

function deleteMessage(id) {
  $("messages").querySelector(`li[data-id="${id}"]`)?.remove();
}

let scrollQueued = false;

/**
 * Scrolls the list to its end before the next frame: a burst of messages lays the list out once, not
 * once per message.
 */
function scrollToEnd() {
  if (scrollQueued) return;
  scrollQueued = true;
  requestAnimationFrame(() => {
    scrollQueued = false;
    const list = $("messages");
    list.scrollTop = list.scrollHeight;
    state.pinned = true;
  });
}

function showReplyKeyboard(markup) {
  const box = $("reply-keyboard");
  box.replaceChildren();
  box.hidden = !markup;
  if (!markup) return;
  for (const row of markup.keyboard) {
    box.append(
      el(
        "div",
        { class: "row" },
        ...row.map((button) => {
          const text = typeof button === "string" ? button : button.text;
          return el("button", {
            type: "button",
            onclick: () => {
              if (markup.one_time_keyboard) box.hidden = true;
              send(text);
            },
          }, text);
        }),
      ),
    );
  }
}

// ---- chats and users

function currentChat() {
  return state.chats.find((chat) => chat.key === state.chat);
}

async function loadWorld() {
  const world = await api("/api/world");
  state.users = world.users;
  state.bots = world.bots;
  const select = $("user");
  select.replaceChildren(...state.users.map((u) => el("option", { value: String(u.id) }, u.name)));
  if (!state.users.some((u) => u.id === state.user)) state.user = state.users[0]?.id ?? 0;
  select.value = String(state.user);
  $("new-chat-bots").replaceChildren(
    el("legend", {}, "Bots in it"),
    ...state.bots.map((b) =>
      el("label", {}, el("input", { type: "checkbox", value: String(b.id), checked: "" }), ` ${b.name}`)
    ),
  );
}

async function loadChats() {
  if (state.user === 0) return;
  state.chats = await api(`/api/chats?user=${state.user}`);
  $("chats").replaceChildren(
    ...state.chats.map((chat) =>
      el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            "aria-current": String(chat.key === state.chat),
            class: state.unread.has(chat.key) ? "unread" : "",
            onclick: () => openChat(chat.key),
          },
          chat.title,
          el("small", {}, chat.type === "private" ? `@${chat.bot}` : chat.type),
        ),
      )
    ),
  );
  const chat = currentChat();
  if (chat) showHeader(chat);
}

function showHeader(chat) {
  $("chat-title").textContent = chat.title;
  $("chat-members").textContent = chat.type === "private"
    ? `private chat with @${chat.bot}`
    : `${chat.type}: ${chat.members.map((m) => m.name).join(", ")}`;
  const present = new Set(chat.members.map((m) => m.id));
  const candidates = [...state.users, ...state.bots].filter((p) => !present.has(p.id));
  $("add-member").hidden = chat.type === "private" || candidates.length === 0;
  $("add-member-who").replaceChildren(
    ...candidates.map((p) => el("option", { value: String(p.id) }, p.bot ? `${p.name} (bot)` : p.name)),
  );
}

/**
 * Opens a chat: fetches its history and shows it. `reload` (after the live stream reconnected) keeps what
 * the user was doing in it: the message they reply to, a bot's request for a reply, the inline results.
 */
async function openChat(key, reload = false) {
  const opening = ++state.opening;
  state.chat = key;
  state.unread.delete(key);
  const params = new URLSearchParams({ user: String(state.user), chat: key });
  history.replaceState(null, "", `?${params}`);
  // Cleared before the fetch: changes that arrive meanwhile are shown, and noted to be laid over it.
  $("messages").replaceChildren();
  state.pending = new Map();
  state.pendingKeyboard = undefined;
  const later = state.pending;
  let answer;
  try {
    answer = await api(`/api/chat?${new URLSearchParams({ key, user: String(state.user) })}`);
  } finally {
    if (opening === state.opening) state.pending = null;
  }
  if (opening !== state.opening) return;
  const { chat, messages, keyboard } = answer;
  const shown = new Map(messages.map((message) => [message.id, message]));
  for (const [id, message] of later) {
    if (message === null) shown.delete(id);
    else shown.set(id, message);
  }
  // One insertion for the whole history: laid out once, however long it is.
  const items = document.createDocumentFragment();
  for (const message of [...shown.values()].sort((a, b) => a.id - b.id)) items.append(bubble(message));
  $("messages").replaceChildren(items);
  showReplyKeyboard(state.pendingKeyboard === undefined ? keyboard : state.pendingKeyboard);
  state.pendingKeyboard = undefined;
  if (!reload) {
    hideInline();
    cancelReply();
    state.forceReply = false;
    $("activity").textContent = "";
  }
  $("text").disabled = false;
  $("send").disabled = false;
  await loadChats();
  if (opening !== state.opening) return;
  showHeader(chat);
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
  state.pinned = true;
}

async function switchUser(id) {
  state.user = id;
  state.chat = "";
  state.opening++; // a chat still loading belongs to the previous user
  state.pending = null;
  $("messages").replaceChildren();
  $("chat-title").textContent = "Pick a chat";
  $("chat-members").textContent = "";
  $("add-member").hidden = true;
  cancelReply();
  $("text").disabled = true;
  $("send").disabled = true;
  showReplyKeyboard(null);
  history.replaceState(null, "", `?user=${id}`);
  await loadChats();
}

// ---- writing, files and inline mode

function replyTo(message) {
  const text = message.text ?? message.note ?? message.media?.kind ?? "";
  state.replyTo = { id: message.id, label: `${personName(message.from)}: ${text}` };
  $("replying-to").textContent = `Replying to ${state.replyTo.label}`;
  $("replying").hidden = false;
  $("text").focus();
}

function cancelReply() {
  state.replyTo = null;
  $("replying").hidden = true;
}

async function send(text) {
  if (state.chat === "") return;
  const replying = state.replyTo;
  cancelReply();
  try {
    await api("/api/send", {
      user: state.user,
      chat: state.chat,
      text,
      ...(replying ? { replyTo: replying.id } : {}),
    });
  } catch (error) {
    failed(error);
  }
}

async function submit(event) {
  event.preventDefault();
  const input = $("text");
  const text = input.value;
  if (state.attached) {
    const form = new FormData();
    form.set("user", String(state.user));
    form.set("chat", state.chat);
    form.set("caption", text);
    form.set("file", state.attached);
    if (state.replyTo) form.set("replyTo", String(state.replyTo.id));
    cancelReply();
    state.attached = null;
    $("attach").value = "";
    $("attached").textContent = "";
    input.value = "";
    try {
      await api("/api/upload", form);
    } catch (error) {
      failed(error);
    }
    return;
  }
  if (text.trim() === "") return;
  input.value = "";
  hideInline();
  await send(text);
}

function hideInline() {
  $("inline-results").hidden = true;
  $("inline-results").replaceChildren();
  state.inlineAsked = "";
}

function inlineTarget() {
  const match = /^@(\w+) ([\s\S]*)$/.exec($("text").value);
  if (!match) return null;
  const bot = state.bots.find((b) => b.username?.toLowerCase() === match[1].toLowerCase());
  return bot ? { bot: bot.username, query: match[2] } : null;
}

function askInline() {
  clearTimeout(state.inlineTimer);
  const target = inlineTarget();
  if (!target || state.chat === "") return hideInline();
  state.inlineTimer = setTimeout(async () => {
    const asked = `${target.bot} ${target.query}`;
    if (asked === state.inlineAsked) return;
    state.inlineAsked = asked;
    $("inline-results").replaceChildren();
    await showInlineResults(target, asked, "");
  }, 300);
}

/** Asks the bot for a page of results (`offset` from its previous answer) and lists them. */
async function showInlineResults(target, asked, offset) {
  try {
    const answer = await api("/api/inline", { user: state.user, chat: state.chat, ...target, offset });
    if (state.inlineAsked !== asked) return;
    const list = $("inline-results");
    list.querySelector(".more")?.remove();
    list.append(
      ...answer.results.map((result) =>
        el(
          "li",
          {},
          el(
            "button",
            { type: "button", onclick: () => chooseInline(answer.query, result.id) },
            result.title,
            result.description ? el("small", {}, result.description) : null,
          ),
        )
      ),
    );
    if (answer.next_offset !== "") {
      const more = () => showInlineResults(target, asked, answer.next_offset);
      list.append(
        el("li", { class: "more" }, el("button", { type: "button", onclick: more }, "More results")),
      );
    }
    list.hidden = list.children.length === 0;
  } catch (error) {
    failed(error);
  }
}

async function chooseInline(query, result) {
  $("text").value = "";
  hideInline();
  try {
    await api("/api/choose", { user: state.user, chat: state.chat, query, result });
  } catch (error) {
    failed(error);
  }
}

// ---- live changes

const ACTIONS = {
  typing: "is typing…",
  upload_photo: "is sending a photo…",
  upload_document: "is sending a file…",
  upload_video: "is sending a video…",
  record_voice: "is recording a voice message…",
  upload_voice: "is sending a voice message…",
  choose_sticker: "is choosing a sticker…",
  find_location: "is finding a location…",
};

/** For me: a change meant for some users only (a `selective` keyboard or reply request) names them. */
function forMe(change) {
  return !Array.isArray(change.users) || change.users.includes(state.user);
}

function onEvent(event) {
  const change = JSON.parse(event.data);
  const open = change.chat === state.chat;
  if (open && state.pending !== null) {
    if (change.kind === "message" || change.kind === "edit") {
      state.pending.set(change.message.id, change.message);
    }
    if (change.kind === "delete") state.pending.set(change.id, null);
    if (change.kind === "keyboard" && "markup" in change && forMe(change)) {
      state.pendingKeyboard = change.markup;
    }
  }
  switch (change.kind) {
    case "message":
      if (open) {
        showMessage(change.message);
        if (change.message.from?.bot) {
          $("activity").textContent = "";
          if (state.forceReply) replyTo(change.message);
          state.forceReply = false;
        }
      } else if (state.chats.some((chat) => chat.key === change.chat)) {
        state.unread.add(change.chat);
        loadChats().catch(failed);
      }
      break;
    case "edit":
      if (open) showMessage(change.message);
      break;
    case "delete":
      if (open) deleteMessage(change.id);
      break;
    case "action":
      if (open) {
        $("activity").textContent = `${change.who} ${
          ACTIONS[change.action] ?? change.action.replaceAll("_", " ")
        }`;
        clearTimeout(state.activityTimer);
        state.activityTimer = setTimeout(() => ($("activity").textContent = ""), 5000);
      }
      break;
    case "keyboard":
      if (open && forMe(change)) {
        // A force_reply alone leaves the keyboard as it is.
        if ("markup" in change) showReplyKeyboard(change.markup);
        state.forceReply = change.forceReply === true;
      }
      break;
    case "chats":
      loadChats().catch(failed);
      break;
    case "accounts":
      loadWorld().then(loadChats).catch(failed);
      break;
  }
}

async function reloadAll() {
  await loadWorld();
  await loadChats();
  if (state.chat !== "") await openChat(state.chat, true);
}

// ---- start

async function start() {
  const params = new URLSearchParams(location.search);
  state.user = Number(params.get("user") ?? 0);
  let loaded = false;
  const events = new EventSource("/events");
  events.addEventListener("message", onEvent);
  // Changes made while the stream was down were never sent: after a reconnect, everything shown is
  // fetched again (users, bots, chats and the open chat), keeping what the user was doing.
  events.addEventListener("open", () => {
    if (loaded) reloadAll().catch(failed);
  });
  await loadWorld();
  await loadChats();
  const chat = params.get("chat");
  if (chat && state.chats.some((c) => c.key === chat)) await openChat(chat);
  loaded = true;
  $("messages").addEventListener("scroll", (e) => {
    const list = e.currentTarget;
    state.pinned = list.scrollTop + list.clientHeight >= list.scrollHeight - 40;
  }, { passive: true });
  $("user").addEventListener("change", (e) => switchUser(Number(e.target.value)).catch(failed));
  $("composer").addEventListener("submit", submit);
  $("text").addEventListener("input", askInline);
  $("cancel-reply").addEventListener("click", cancelReply);
  $("attach").addEventListener("change", (e) => {
    state.attached = e.target.files[0] ?? null;
    $("attached").textContent = state.attached ? state.attached.name : "";
  });
  $("new-user").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const { id } = await api("/api/users", { name: $("new-user-name").value });
      $("new-user-name").value = "";
      await loadWorld();
      await switchUser(id);
      $("user").value = String(id);
    } catch (error) {
      failed(error);
    }
  });
  $("new-chat").addEventListener("submit", async (e) => {
    e.preventDefault();
    const bots = [...$("new-chat-bots").querySelectorAll("input:checked")].map((box) => Number(box.value));
    try {
      const { key } = await api("/api/chats", {
        user: state.user,
        title: $("new-chat-title").value,
        type: $("new-chat-type").value,
        bots,
      });
      $("new-chat-title").value = "";
      $("new-chat").closest("details").open = false;
      await loadChats();
      await openChat(key);
    } catch (error) {
      failed(error);
    }
  });
  $("add-member").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api("/api/members", {
        user: state.user,
        chat: state.chat,
        member: Number($("add-member-who").value),
      });
    } catch (error) {
      failed(error);
    }
  });
  document.body.dataset.ready = "true";
}

start().catch(failed);
