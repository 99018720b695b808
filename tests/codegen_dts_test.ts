import assert from "node:assert/strict";
// The Bot API 10.1 declarations, for the drift check against the community JSON of the same version:
// a test-only package, so it is pinned here rather than in deno.json (importing it installs it).
// deno-lint-ignore no-import-prefix
import type { APIMethods as _Declarations101 } from "npm:@gramio/types@10.1.0";
// The Bot API 10.3 declarations the committed table comes from.
// deno-lint-ignore no-import-prefix
import type { APIMethods as _Declarations103 } from "npm:@gramio/types@10.3.1";
import { importDeclarations, readDeclarations } from "../codegen/import_dts.ts";
import { importCommunityJson } from "../codegen/import_json.ts";
import { keepFacts } from "../codegen/keep_facts.ts";
import type { SpecField, SpecTable } from "../codegen/spec_table.ts";

const root = new URL("../", import.meta.url);
const committed: SpecTable = JSON.parse(await Deno.readTextFile(new URL("codegen/botapi.json", root)));
const communityJson = new URL("../shared/botapi/api.json", root);
const haveCommunityJson = await Deno.stat(communityJson).then(() => true, () => false);
const npmCache: string = JSON.parse(
  new TextDecoder().decode(
    (await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output()).stdout,
  ),
).npmCache;
/** Where Deno's npm cache keeps a package's files once a module imports it (the imports above do). */
const installed = (version: string) =>
  new URL(`file://${npmCache}/registry.npmjs.org/@gramio/types/${version}/out/`);
const PACKAGE_10_3 = installed("10.3.1");
const PACKAGE_10_1 = installed("10.1.0");

// A small declaration set in the package's format, written for this test.
const FIXTURE = {
  methods: `/**
 * Based on Bot API v42.1 (03.02.2031)
 */
import type { CallAPI, CallAPIWithOptionalParams, CallAPIWithoutParams } from "./utils"
import type * as Params from "./params"
import type * as Objects from "./objects"

export interface APIMethods {
    /**
     * Prose that must not reach the table.
     *
     * [Documentation](https://core.telegram.org/bots/api/#getme)
     */
    getMe: CallAPIWithoutParams<Objects.TelegramUser>
    /**
     * [Documentation](https://core.telegram.org/bots/api/#sendwave)
     */
    sendWave: CallAPI<Params.SendWaveParams, Objects.TelegramMessage>
    /**
     * [Documentation](https://core.telegram.org/bots/api/#getwaves)
     */
    getWaves: CallAPIWithOptionalParams<Params.GetWavesParams, Objects.TelegramWave[]>
    /**
     * [Documentation](https://core.telegram.org/bots/api/#editwave)
     */
    editWave: CallAPI<Params.EditWaveParams, Objects.TelegramMessage | true>
}
`,
  params: `import type * as Objects from "./objects"

export interface SendWaveParams {
    /** Chat */
    chat_id: number | string
    /** Text */
    text: string | { toString(): string }
    /** Mode */
    parse_mode?: "HTML" | "MarkdownV2"
    /** Height */
    height?: SendWaveHeight
    /** Media */
    media?: (Objects.TelegramInputMediaPhoto | Objects.TelegramInputMediaVideo)[]
    /** Markup */
    reply_markup?: Objects.TelegramWave | { toJSON(): Objects.TelegramWave }
}

export type SendWaveHeight = 1 | 2 | 3

export interface GetWavesParams {
    /** Kinds */
    allowed_updates?: Exclude<keyof Objects.TelegramUpdate, "update_id">[]
    /** Rows */
    grid?: Objects.TelegramWave[][]
}

export interface EditWaveParams {
    /** Where */
    latitude: number
}
`,
  objects: `export interface TelegramUpdate {
    update_id: number
    message?: TelegramMessage
}

/**
 * [Documentation](https://core.telegram.org/bots/api/#user)
 */
export interface TelegramUser {
    id: number
    is_bot: boolean
    is_premium?: true
}

/**
 * [Documentation](https://core.telegram.org/bots/api/#message)
 */
export interface TelegramMessage {
    message_id: number
    chat_type: TelegramChatType
    wave?: TelegramWave
}

export type TelegramChatType = "private" | "group"

/**
 * [Documentation](https://core.telegram.org/bots/api/#wave)
 */
export interface TelegramWave {
    latitude: number
    amplitude?: number
}

/**
 * It can be one of
 * *   [InputMediaPhoto](https://core.telegram.org/bots/api#inputmediaphoto)
 * *   [InputMediaVideo](https://core.telegram.org/bots/api#inputmediavideo)
 *
 * [Documentation](https://core.telegram.org/bots/api/#inputmedia)
 */
export type TelegramInputMedia = TelegramInputMediaPhoto | TelegramInputMediaVideo

/**
 * [Documentation](https://core.telegram.org/bots/api/#inputmediaphoto)
 */
export interface TelegramInputMediaPhoto {
    type: "photo"
    media: TelegramInputFile | string
}

/**
 * [Documentation](https://core.telegram.org/bots/api/#inputmediavideo)
 */
export interface TelegramInputMediaVideo {
    type: "video"
    media: TelegramInputFile | string
}

/**
 * [Documentation](https://core.telegram.org/bots/api/#inputfile)
 */
export type TelegramInputFile = Blob

export interface TelegramAPIResponseOk<T> {
    ok: true
    result: T
}
`,
};

Deno.test("the declaration importer reads a small fixture in the package's format", () => {
  const previous: SpecTable = {
    version: "42.0",
    releaseDate: "",
    documentation: "",
    methods: [{
      name: "editWave",
      link: "#editwave",
      params: [field("latitude", "Float")],
      returns: ["True"],
    }],
    types: [{ name: "Wave", link: "#wave", fields: [field("latitude", "Float")], subtypes: [] }],
  };
  const t = importDeclarations({ ...FIXTURE, previous });
  assert.equal(t.version, "42.1");
  assert.equal(t.releaseDate, "February 3, 2031");
  const methods = Object.fromEntries(t.methods.map((m) => [m.name, m]));
  assert.deepEqual(Object.keys(methods), ["getMe", "sendWave", "getWaves", "editWave"]);
  assert.deepEqual(methods.getMe, { name: "getMe", link: "#getme", params: [], returns: ["User"] });
  assert.deepEqual(methods.sendWave.params, [
    { name: "chat_id", types: ["Integer", "String"], required: true },
    { name: "text", types: ["String"], required: true },
    { name: "parse_mode", types: ["String"], required: false, enum: ["HTML", "MarkdownV2"] },
    { name: "height", types: ["Integer"], required: false, enum: [1, 2, 3] },
    { name: "media", types: ["Array of InputMediaPhoto", "Array of InputMediaVideo"], required: false },
    { name: "reply_markup", types: ["Wave"], required: false },
  ]);
  assert.deepEqual(methods.getWaves.params, [
    { name: "allowed_updates", types: ["Array of String"], required: false },
    { name: "grid", types: ["Array of Array of Wave"], required: false },
  ]);
  assert.deepEqual(methods.getWaves.returns, ["Array of Wave"]);
  assert.deepEqual(methods.editWave.returns, ["Message", "True"]);
  // Float is what the previous table says; the declarations write number for both.
  assert.deepEqual(methods.editWave.params, [field("latitude", "Float")]);

  const types = Object.fromEntries(t.types.map((x) => [x.name, x]));
  assert.deepEqual(Object.keys(types), [
    "Update",
    "User",
    "Message",
    "Wave",
    "InputMedia",
    "InputMediaPhoto",
    "InputMediaVideo",
    "InputFile",
  ]);
  assert.equal(types.Update.link, "#update", "no documentation link: the anchor is the lower-cased name");
  assert.deepEqual(types.User.fields, [
    { name: "id", types: ["Integer"], required: true },
    { name: "is_bot", types: ["Boolean"], required: true },
    { name: "is_premium", types: ["True"], required: false },
  ]);
  assert.deepEqual(types.Message.fields[1], {
    name: "chat_type",
    types: ["String"],
    required: true,
    enum: ["private", "group"],
  });
  assert.deepEqual(types.Wave.fields, [field("latitude", "Float"), {
    ...field("amplitude", "Integer"),
    required: false,
  }]);
  assert.deepEqual(types.InputMedia, {
    name: "InputMedia",
    link: "#inputmedia",
    fields: [],
    subtypes: ["InputMediaPhoto", "InputMediaVideo"],
  });
  assert.deepEqual(types.InputMediaPhoto.fields, [
    { name: "type", types: ["String"], required: true, const: "photo" },
    { name: "media", types: ["InputFile", "String"], required: true },
  ]);
  assert.deepEqual(types.InputFile, { name: "InputFile", link: "#inputfile", fields: [], subtypes: [] });
  assert.ok(!JSON.stringify(t).includes("Prose"), "no description sentence reaches the table");
});

Deno.test("the declaration importer refuses what it cannot read instead of guessing", () => {
  assert.throws(
    () => importDeclarations({ ...FIXTURE, methods: FIXTURE.methods.replace("Based on Bot API v42.1", "") }),
    /Based on Bot API/,
  );
  assert.throws(
    () =>
      importDeclarations({
        ...FIXTURE,
        params: FIXTURE.params.replace("latitude: number", "latitude: bigint"),
      }),
    /editWave\.latitude: unsupported type bigint/,
  );
  assert.throws(
    () => importDeclarations({ ...FIXTURE, params: FIXTURE.params.replace("EditWaveParams {", "Renamed {") }),
    /editWave: params\.d\.ts has no EditWaveParams/,
  );
});

Deno.test("importing @gramio/types@10.3.1 reproduces the committed table", async () => {
  const imported = importDeclarations(await readDeclarations(PACKAGE_10_3, committed));
  assert.deepEqual(imported, committed);
  assert.equal(imported.version, "10.3");
  assert.equal(imported.methods.length, 185);
});

/** One field or parameter with one type. */
function field(name: string, type: string): SpecField {
  return { name, types: [type], required: true };
}

/**
 * What two sources at the same version must agree on. Differences that are the sources' own, not an
 * importer's, are normalised and listed here with their reason:
 * - the declarations write Integer and Float both as `number`;
 * - the community JSON writes Boolean where the page writes True ("Returns True", "always True");
 * - the declarations list only object types as union members (RichText is also a String or an array);
 * - the declarations give literal values (`enum`) the community JSON leaves in its prose.
 */
function comparable(table: SpecTable) {
  const types = (f: { types: string[] }) =>
    f.types.map((t) => t.replace(/\bFloat$/, "Integer").replace(/\bTrue$/, "Boolean"));
  const fields = (list: SpecField[]) =>
    Object.fromEntries(list.map((f) => [f.name, { types: types(f), required: f.required, const: f.const }]));
  return {
    version: table.version,
    releaseDate: table.releaseDate,
    methods: Object.fromEntries(
      table.methods.map((m) => [m.name, {
        link: m.link,
        params: fields(m.params),
        returns: types({ types: m.returns }),
      }]),
    ),
    types: Object.fromEntries(
      table.types.map((t) => [t.name, {
        link: t.link,
        fields: fields(t.fields),
        subtypes: t.subtypes.filter((s) => /^[A-Z][A-Za-z0-9]*$/.test(s) && s !== "String"),
      }]),
    ),
  };
}

Deno.test({
  name:
    "drift check: the community JSON and the declarations, both at Bot API 10.1, import to the same facts",
  ignore: !haveCommunityJson,
  fn: async () => {
    const fromJson = importCommunityJson(JSON.parse(await Deno.readTextFile(communityJson)));
    const fromDeclarations = importDeclarations(await readDeclarations(PACKAGE_10_1));
    assert.equal(fromJson.version, "10.1");
    assert.deepEqual(comparable(fromDeclarations), comparable(fromJson));
  },
});

Deno.test({
  name:
    "an import keeps what its source does not carry from the table it replaces: enums, and True for Boolean",
  ignore: !haveCommunityJson,
  fn: async () => {
    const raw = importCommunityJson(JSON.parse(await Deno.readTextFile(communityJson)));
    const kept = keepFacts(raw, committed);
    const field = (table: SpecTable, owner: string, name: string) =>
      [...table.methods.map((m) => ({ name: m.name, fields: m.params })), ...table.types]
        .find((o) => o.name === owner)?.fields.find((f) => f.name === name);
    // What the community JSON lacks, and what the committed table records.
    assert.equal(field(raw, "sendChatAction", "action")?.enum, undefined);
    assert.deepEqual(field(raw, "ForceReply", "force_reply")?.types, ["Boolean"]);
    assert.deepEqual(
      field(kept, "sendChatAction", "action")?.enum,
      field(committed, "sendChatAction", "action")?.enum,
    );
    assert.ok((field(kept, "sendChatAction", "action")?.enum?.length ?? 0) > 5);
    assert.deepEqual(field(kept, "ForceReply", "force_reply")?.types, ["True"]);
    assert.deepEqual(kept.methods.find((m) => m.name === "setWebhook")?.returns, ["True"]);
    // Every enum of a field both tables have, with the same types, is kept.
    const lost = committed.types.flatMap((t) =>
      t.fields.filter((f) => f.enum !== undefined && field(raw, t.name, f.name) !== undefined)
        .filter((f) => field(kept, t.name, f.name)?.enum === undefined)
        .map((f) => `${t.name}.${f.name}`)
    );
    assert.deepEqual(
      lost.filter((name) => {
        const [owner, fieldName] = name.split(".");
        return JSON.stringify(field(raw, owner, fieldName)?.types)
          === JSON.stringify(field(committed, owner, fieldName)?.types);
      }),
      [],
    );
  },
});

Deno.test("drift check: every 10.1 method and type is still in the committed 10.3 table, or the README says why", async () => {
  const fromDeclarations = importDeclarations(await readDeclarations(PACKAGE_10_1));
  const methods = new Set(committed.methods.map((m) => m.name));
  const types = new Set(committed.types.map((t) => t.name));
  assert.deepEqual(fromDeclarations.methods.map((m) => m.name).filter((n) => !methods.has(n)), []);
  assert.deepEqual(fromDeclarations.types.map((t) => t.name).filter((n) => !types.has(n)), []);
});
