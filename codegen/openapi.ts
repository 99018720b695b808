/** Spec table → OpenAPI 3.1 document of the Bot API: one POST operation per method, one schema per type. */
import { fileMethods } from "./classify.ts";
import { arrayDepth, elementType, type SpecField, type SpecTable } from "./spec_table.ts";

type Schema = Record<string, unknown>;

const PRIMITIVES: Record<string, Schema> = {
  Integer: { type: "integer" },
  Float: { type: "number" },
  String: { type: "string" },
  Boolean: { type: "boolean" },
  True: { type: "boolean", const: true },
  False: { type: "boolean", const: false },
};

function schemaOf(type: string): Schema {
  let schema: Schema = PRIMITIVES[elementType(type)] ?? { $ref: `#/components/schemas/${elementType(type)}` };
  for (let depth = arrayDepth(type); depth > 0; depth--) schema = { type: "array", items: schema };
  return schema;
}

/**
 * A union that contains arrays of itself (RichText) cannot be a TypeScript alias of itself; the
 * extension names an interface that the type emitter declares to break the cycle.
 */
export const SELF_LIST = "x-telepot-self-list";

function selfList(name: string): Schema {
  return { type: "array", items: schemaOf(name), [SELF_LIST]: `${name}List` };
}

/**
 * Several types, each "Array of …" to the same depth, are one array whose items may be any of them:
 * the page lists an album's media that way, and an album may mix photos and videos, which a union of
 * arrays (all photos, or all videos) would refuse.
 */
function unionOf(types: string[]): Schema {
  if (types.length === 1) return schemaOf(types[0]);
  const depth = arrayDepth(types[0]);
  if (depth === 0 || types.some((t) => arrayDepth(t) !== depth)) return { anyOf: types.map(schemaOf) };
  let schema: Schema = { anyOf: types.map((t) => schemaOf(elementType(t))) };
  for (let d = depth; d > 0; d--) schema = { type: "array", items: schema };
  return schema;
}

function objectOf(fields: SpecField[]): Schema {
  const properties: Record<string, Schema> = {};
  for (const f of fields) {
    properties[f.name] = f.const
      ? { type: "string", const: f.const }
      : f.enum && f.types.length === 1 && arrayDepth(f.types[0]) === 0
      ? { ...schemaOf(f.types[0]), enum: f.enum }
      : unionOf(f.types);
  }
  const required = fields.filter((f) => f.required).map((f) => f.name);
  return {
    type: "object",
    properties,
    ...(required.length ? { required } : {}),
    additionalProperties: false,
  };
}

/** Builds the OpenAPI 3.1 document for a spec table. */
export function toOpenApi(table: SpecTable): Schema {
  const schemas: Record<string, Schema> = {
    InputFile: {
      type: "string",
      format: "binary",
      externalDocs: { url: table.documentation + "#inputfile" },
    },
    Error: {
      type: "object",
      required: ["ok", "error_code", "description"],
      properties: {
        ok: { type: "boolean", const: false },
        error_code: { type: "integer" },
        description: { type: "string" },
        ...(table.types.some((t) => t.name === "ResponseParameters")
          ? { parameters: { $ref: "#/components/schemas/ResponseParameters" } }
          : {}),
      },
    },
  };
  for (const t of table.types) {
    if (t.name === "InputFile") continue;
    const docs = { externalDocs: { url: table.documentation + t.link } };
    schemas[t.name] = t.subtypes.length
      ? { oneOf: t.subtypes.map((s) => s === `Array of ${t.name}` ? selfList(t.name) : schemaOf(s)), ...docs }
      : { ...objectOf(t.fields), ...docs };
  }
  const uploads = new Set(fileMethods(table));
  const paths: Record<string, Schema> = {};
  for (const m of table.methods) {
    const body = objectOf(m.params);
    const content: Record<string, Schema> = { "application/json": { schema: body } };
    if (uploads.has(m.name)) content["multipart/form-data"] = { schema: body };
    paths[`/${m.name}`] = {
      post: {
        operationId: m.name,
        externalDocs: { url: table.documentation + m.link },
        ...(m.params.length ? { requestBody: { required: m.params.some((p) => p.required), content } } : {}),
        responses: {
          "200": {
            description: "Success",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["ok", "result"],
                  properties: { ok: { type: "boolean", const: true }, result: unionOf(m.returns) },
                },
              },
            },
          },
          default: {
            description: "Error",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Telegram Bot API", version: table.version },
    externalDocs: { url: table.documentation },
    servers: [{ url: "https://api.telegram.org/bot{token}", variables: { token: { default: "TOKEN" } } }],
    paths,
    components: { schemas },
  };
}
