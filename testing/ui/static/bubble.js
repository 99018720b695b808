// A message as the page shows it: author, quote, file, text with entities, poll, buttons, time.
import { el } from "./dom.js";
import { renderText, safeLink } from "./entities.js";

/** The name shown for a message's sender (none for a channel post). */
export function personName(person) {
  return person === null ? "" : person.name;
}

function mediaNode(media) {
  const link = el("a", { href: media.url, download: media.name ?? "" }, `⬇ ${media.name ?? media.kind}`);
  switch (media.kind) {
    case "photo":
      return el("div", { class: "media" }, el("img", { src: media.url, alt: "photo" }));
    case "voice":
    case "audio":
      return el("div", { class: "media" }, el("audio", { src: media.url, controls: "" }), link);
    case "video":
    case "animation":
    case "video_note":
      return el("div", { class: "media" }, el("video", { src: media.url, controls: "" }), link);
    case "sticker":
      return null;
    default:
      return el("div", { class: "media" }, link);
  }
}

function keyboardNode(message, press) {
  const rows = message.keyboard.map((row, r) =>
    el(
      "div",
      { class: "row" },
      ...row.map((button, c) => {
        if (button.action === "url") {
          return safeLink(button.value)
            ? el("a", { href: button.value, target: "_blank", rel: "noopener" }, button.text)
            : el("button", { type: "button", disabled: "" }, button.text);
        }
        return el(
          "button",
          { type: "button", onclick: () => press(message, button, r, c) },
          button.text,
        );
      }),
    )
  );
  return el("div", { class: "keyboard", role: "group", "aria-label": "Buttons" }, ...rows);
}

/**
 * A message as a list item. `view` says who is looking (`me`, the open chat's `title`) and what the
 * controls do: `press(message, button, row, column)`, `vote(message, option)`, `reply(message)`,
 * `command(text)`.
 */
export function messageNode(message, view) {
  const service = message.service === true;
  const mine = message.from !== null && message.from.id === view.me;
  const item = el("li", {
    class: `msg${service ? " service" : mine ? " mine" : ""}`,
    "data-id": String(message.id),
  });
  if (service) {
    item.append(message.note);
    return item;
  }
  const author = message.from === null ? view.title : personName(message.from);
  item.append(el("span", { class: "author" }, message.via ? `${author} via @${message.via}` : author));
  if (message.replyTo) {
    item.append(el("div", { class: "reply" }, `↩ ${message.replyTo.from}: ${message.replyTo.text}`));
  }
  if (message.media) item.append(mediaNode(message.media));
  if (message.note !== undefined) item.append(el("div", { class: "note" }, message.note));
  if (message.text !== undefined) {
    item.append(el("div", { class: "text" }, ...renderText(message.text, message.entities, view.command)));
  }
  if (message.poll) {
    item.append(
      el(
        "div",
        { class: "keyboard", role: "group", "aria-label": "Poll" },
        ...message.poll.map((option, i) =>
          el(
            "button",
            message.pollClosed
              ? { type: "button", disabled: "" }
              : { type: "button", onclick: () => view.vote(message, i) },
            `${option.text} (${option.votes})`,
          )
        ),
      ),
    );
  }
  if (message.invoice) {
    item.append(
      el(
        "div",
        { class: "keyboard" },
        el("button", { type: "button", onclick: () => view.press(message, { action: "pay" }) }, "Pay"),
      ),
    );
  }
  if (message.keyboard) item.append(keyboardNode(message, view.press));
  const time = new Date(message.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const reply = el("button", {
    type: "button",
    class: "reply-button",
    onclick: () => view.reply(message),
  }, "Reply");
  const when = el("time", { datetime: new Date(message.date * 1000).toISOString() }, time);
  item.append(el("span", { class: "meta" }, reply, message.edited ? " edited " : " ", when));
  return item;
}
