/**
 * The smallest useful bot: `glance` at every message and echo text back. Anything that is not text is
 * only logged — always look at the content type before reading a field.
 *
 * `deno task example skeleton --emulator`
 *
 * @module
 */
import { Bot, flavor, glance, hasFlavor } from "../mod.ts";
import type { Example } from "./_harness.ts";

const STICKER = {
  file_id: "sticker-1",
  file_unique_id: "s1",
  type: "regular",
  width: 512,
  height: 512,
  is_animated: false,
  is_video: false,
};

/** The skeleton example. */
export const example: Example = {
  summary: "glance at each message and echo text back",
  start({ token, apiRoot, log }) {
    const bot = new Bot(token, { apiRoot });
    return bot.messageLoop(async (msg) => {
      if (!hasFlavor(msg, "chat")) return log(flavor(msg));
      const [contentType, chatType, chatId] = glance(msg);
      log(`${contentType} ${chatType} ${chatId}`);
      if (contentType === "text" && msg.text !== undefined) await bot.sendMessage(chatId, msg.text);
    });
  },
  async script(scene) {
    const alice = scene.user("Alice");
    await scene.exchange(alice, "Hello bot");
    await scene.send(alice, { sticker: STICKER });
    await scene.exchange(alice, "Still there?");
  },
};
