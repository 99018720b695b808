// Message text with its entities as DOM nodes. Text is only ever set as text, never parsed as HTML.
import { el } from "./dom.js";

const SAFE_LINK = /^(https?:|mailto:|tel:|tg:)/i;

/** Whether a link from a bot may be followed: web, mail, phone and Telegram links, never `javascript:`. */
export function safeLink(url) {
  return typeof url === "string" && SAFE_LINK.test(url);
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
      return el("span", { class: "spoiler" });
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
 * The nodes showing `text` with its entities (nested formatting; offsets count UTF-16 code units, as JS
 * strings do). Pressing a command calls `onCommand` with it.
 */
export function renderText(text, entities, onCommand) {
  const sorted = [...(entities ?? [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  const build = (start, end, list) => {
    const out = [];
    let at = start;
    let i = 0;
    while (i < list.length) {
      const e = list[i];
      const stop = Math.min(e.offset + e.length, end);
      if (e.offset < at) {
        i++;
        continue;
      }
      if (e.offset > at) out.push(text.slice(at, e.offset));
      const inner = [];
      i++;
      while (i < list.length && list[i].offset < stop) inner.push(list[i++]);
      const node = entityNode(e, text.slice(e.offset, stop), onCommand);
      node.append(...build(e.offset, stop, inner));
      out.push(node);
      at = stop;
    }
    if (at < end) out.push(text.slice(at, end));
    return out;
  };
  return build(0, text.length, sorted);
}
