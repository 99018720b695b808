// A broadcast in its own process, for tests/broadcast_test.ts to kill -9 and run again:
// deno run -A broadcast_child.ts <apiRoot> <token> <chats.json> <store.jsonl> <limits JSON>
// Prints a progress line about twice a second, "HTTP 429" for every 429 on the wire, and the result.
import { Api, broadcast, jsonLinesStore, throttle } from "../../api/mod.ts";

const [apiRoot, token, chatsFile, storePath, limits] = Deno.args;
const chats: number[] = JSON.parse(await Deno.readTextFile(chatsFile));
const api = new Api(token, {
  apiRoot,
  fetch: async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 429) console.log("HTTP 429");
    return response;
  },
});
api.transformers.use(throttle(JSON.parse(limits)));
const result = await broadcast(api, chats, (chat) => ({ params: { text: `news for ${chat}` } }), {
  store: jsonLinesStore(storePath),
  progressEvery: 0.5,
  onProgress: (p) =>
    console.log(
      `progress ${p.done}/${p.total} sent=${p.sent} failed=${p.failed} rate=${p.rate.toFixed(1)}/s eta=${
        p.eta?.toFixed(1) ?? "?"
      }s`,
    ),
});
console.log(`result ${JSON.stringify(result)}`);
