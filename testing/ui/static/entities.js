// Message text with its entities as DOM nodes. Text is only ever set as text, never parsed as HTML.
import { el } from "./dom.js";

const SAFE_LINK = /^(https?:|mailto:|tel:|tg:)/i;

/** Whether a link from a bot may be followed: web, mail, phone and Telegram links, never `javascript:`. */
export function safeLink(url) {
  return typeof url === "string" && SAFE_LINK.test(url);
}

/**
 * A spoiler: hidden until pressed, as Telegram reveals one on a tap. A button in all but looks (a
 * `<button>` could not hold the block entities a spoiler may contain), so a keyboard opens it too.
 */
function spoilerNode() {
  const node = el("span", { class: "spoiler", role: "button", tabindex: "0", "aria-expanded": "false" });
  const toggle = () =>
    node.setAttribute("aria-expanded", String(node.getAttribute("aria-expanded") !== "true"));
  node.addEventListener("click", (event) => {
    // A hidden spoiler inside a link is revealed by the press, not followed.
    if (node.getAttribute("aria-expanded") !== "true") event.preventDefault();
    toggle();
  });
  node.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault(); // Space would scroll the list
    toggle();
  });
  return node;
}

function entityNode(entity, text, onCommand) {
  switch (entity.type) {
    case "bold":
      return el("strong");
    case "italic":
      return el("em");
    case "underline":
      return el("u");
    case "strikethrough":
      return el("s");
    case "spoiler":
      return spoilerNode();
    case "code":
      return el("code");
    case "pre":
      return el("pre", entity.language ? { "data-language": entity.language } : {});
    case "blockquote":
    case "expandable_blockquote":
      return el("blockquote");
    case "text_link":
      return safeLink(entity.url)
        ? el("a", { href: entity.url, target: "_blank", rel: "noopener" })
        : el("span");
    case "url": {
      const href = /^[a-z]+:/i.test(text) ? text : `http://${text}`;
      return safeLink(href) ? el("a", { href, target: "_blank", rel: "noopener" }) : el("span");
    }
    case "email":
      return el("a", { href: `mailto:${text}` });
    case "phone_number":
      return el("a", { href: `tel:${text}` });
    case "bot_command":
      return el("a", {
        href: "#",
        class: "command",
        onclick: (event) => {
          event.preventDefault();
          onCommand(text);
        },
      });
    default:
      return el("span", { class: entity.type });
  }
}

/**
 * The nodes showing `text` with its entities (offsets count UTF-16 code units, as JS strings do). Entities
 * nest; where one outlives the entity it began inside, it is split at that end and goes on after it, so
 * every piece of text carries every entity that covers it (as Telegram shows overlapping bold and
 * italic). Pressing a command calls `onCommand` with it.
 */
export function renderText(text, entities, onCommand) {
  const spans = (entities ?? [])
    .map((entity) => ({
      entity,
      start: Math.max(0, entity.offset),
      end: Math.min(text.length, entity.offset + entity.length),
    }))
    .filter((span) => span.start < span.end)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const bounds = [...new Set([0, text.length, ...spans.flatMap((span) => [span.start, span.end])])]
    .sort((a, b) => a - b);
  const out = [];
  const open = []; // the spans being written into, outermost first, each with its node
  const append = (child) => open.length === 0 ? out.push(child) : open[open.length - 1].node.append(child);
  const enter = (span) => {
    const node = entityNode(span.entity, text.slice(span.start, span.end), onCommand);
    append(node);
    open.push({ ...span, node });
  };
  let next = 0;
  bounds.forEach((at, i) => {
    const ending = open.findIndex((span) => span.end === at);
    if (ending >= 0) {
      for (const span of open.splice(ending)) if (span.end > at) enter(span);
    }
    while (next < spans.length && spans[next].start === at) enter(spans[next++]);
    if (i + 1 < bounds.length) append(text.slice(at, bounds[i + 1]));
  });
  return out;
}
