import assert from "node:assert/strict";
import { Api, EDITOR_METHODS, METHODS, RENAMED_WRAPPERS, TYPES } from "../api/mod.ts";
import {
  EPHEMERAL_IDENTIFIER_PARAMS,
  MESSAGE_IDENTIFIER_PARAMS,
  positionalOptionals,
  targetsEphemeral,
} from "../codegen/classify.ts";
import { BadInput } from "../exception/bad_input.ts";
import { type RecordedRequest, WireServer } from "./support/wire_server.ts";

const TOKEN = "31337:METHODS-token";
const editors: readonly string[] = EDITOR_METHODS;

/** A value of a spec type; files become Blobs so every file-taking parameter is uploaded. */
function sample(types: readonly string[], key: string, depth: number): unknown {
  return sampleOf(types.includes("InputFile") ? "InputFile" : types[0], key, depth);
}

function sampleOf(type: string, key: string, depth: number): unknown {
  if (type.startsWith("Array of ")) return [sampleOf(type.slice("Array of ".length), key, depth)];
  switch (type) {
    case "Integer":
      return 7;
    case "Float":
      return 1.5;
    case "Boolean":
    case "True":
      return true;
    case "String":
      return `${key}-value`;
    case "InputFile":
      return new Blob([`${key}-bytes`]);
  }
  const spec = TYPES[type];
  if (!spec || depth > 4) return {};
  if (spec.subtypes.length > 0) return sampleOf(spec.subtypes[0], key, depth + 1);
  const object: Record<string, unknown> = {};
  for (const field of spec.fields) {
    if (field.required) object[field.name] = field.const ?? sample(field.types, field.name, depth + 1);
  }
  return object;
}

/** Blobs replaced by their text, so sent and received values compare structurally. */
async function withFileMarkers(value: unknown): Promise<unknown> {
  if (value instanceof Blob) return { file: await value.text() };
  if (Array.isArray(value)) return await Promise.all(value.map(withFileMarkers));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await withFileMarkers(v);
    return out;
  }
  return value;
}

/** What the server received, decoded back: multipart text fields parsed, attach:// resolved to files. */
function decodeReceived(
  request: RecordedRequest,
  expected: Record<string, unknown>,
): Record<string, unknown> {
  if (request.kind === "json") return request.json ?? {};
  const fileText = (name: string) => ({ file: new TextDecoder().decode(request.files[name]?.bytes) });
  const resolve = (value: unknown): unknown => {
    if (typeof value === "string" && value.startsWith("attach://")) return fileText(value.slice(9));
    if (Array.isArray(value)) return value.map(resolve);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    }
    return value;
  };
  const out: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(request.fields)) {
    out[key] = typeof expected[key] === "string" ? text : resolve(JSON.parse(text));
  }
  for (const key of Object.keys(request.files)) {
    if (key in expected) out[key] = fileText(key);
  }
  return out;
}

Deno.test("every Bot API method goes over the wire with its parameters intact", async () => {
  const server = WireServer.start();
  try {
    const api = new Api(TOKEN, { apiRoot: server.url });
    const names = Object.keys(METHODS);
    const multipart: string[] = [];
    const attached: string[] = [];
    assert.ok(names.length >= 180, `${names.length} methods in the spec table`);
    for (const name of names) {
      const spec = METHODS[name];
      const editor = editors.includes(name);
      const positional: unknown[] = [];
      const expected: Record<string, unknown> = {};
      const options: Record<string, unknown> = {};
      const ephemeral = targetsEphemeral(spec);
      const idKeys = ephemeral ? EPHEMERAL_IDENTIFIER_PARAMS : MESSAGE_IDENTIFIER_PARAMS;
      const alsoPositional = positionalOptionals(spec);
      let identified = false;
      for (const param of spec.params) {
        if (editor && idKeys.includes(param.name)) {
          // The msgIdentifier stands where the first of the identifier's parameters stood.
          if (!identified) positional.push(ephemeral ? [-100500, 9, 42] : [-100500, 42]);
          identified = true;
          continue;
        }
        const value = sample(param.types, param.name, 0);
        expected[param.name] = value;
        if (param.required || alsoPositional.includes(param.name)) positional.push(value);
        else options[param.name] = value;
      }
      if (editor) {
        Object.assign(
          expected,
          ephemeral
            ? { chat_id: -100500, receiver_user_id: 9, ephemeral_message_id: 42 }
            : { chat_id: -100500, message_id: 42 },
        );
      }
      const wrapper = (api as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
        RENAMED_WRAPPERS[name] ?? name
      ];
      assert.equal(typeof wrapper, "function", `Api has ${name}`);
      const before = server.requests.length;
      await wrapper.call(api, ...positional, options);
      assert.equal(server.requests.length, before + 1, `${name} made one request`);
      const request = server.requests[before];
      assert.equal(request.path, `/bot${TOKEN}/${name}`);
      const hasFile = JSON.stringify(await withFileMarkers(expected)).includes("\"file\":");
      assert.equal(request.kind, hasFile ? "multipart" : "json", name);
      if (hasFile) multipart.push(name);
      if (Object.values(request.fields).some((v) => v.includes("attach://"))) attached.push(name);
      assert.deepEqual(decodeReceived(request, expected), await withFileMarkers(expected), name);
    }
    for (const name of ["sendPhoto", "sendDocument", "setWebhook", "setStickerSetThumbnail"]) {
      assert.ok(multipart.includes(name), `${name} uploaded a file`);
    }
    for (const name of ["sendMediaGroup", "editMessageMedia", "sendPaidMedia", "createNewStickerSet"]) {
      assert.ok(attached.includes(name), `${name} used attach://`);
    }
  } finally {
    await server.close();
  }
});

Deno.test("a method of chat messages only refuses an inline message's id, before sending anything", async () => {
  const server = WireServer.start();
  try {
    const api = new Api("1:T", { apiRoot: server.url });
    for (
      const call of [() => api.deleteMessage("AAQCAD4" as never), () => api.stopPoll(["AAQCAD4"] as never)]
    ) {
      await assert.rejects(
        async () => await call(),
        (e) => e instanceof BadInput && /no inline form/.test(e.message),
      );
    }
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
  }
});
