/**
 * The project's own spec table of the Bot API: facts only (names, types, required flags, return
 * types, discriminator constants, documentation links). Importers write it; the generators read it.
 */

/** A parameter of a method, or a field of an object type. */
export interface SpecField {
  /** Bot API name, snake_case. */
  name: string;
  /** Type expressions, several for a union: "Integer", "InputFile", "Array of Message". */
  types: string[];
  /** Whether the field is always present (object) or must be given (method). */
  required: boolean;
  /** The fixed value of a discriminator field ("photo" for InputMediaPhoto.type). */
  const?: string;
  /** The values the field may take, when the source lists them (a parse mode, a chat type, 3 | 6 | 12). */
  enum?: (string | number)[];
}

/** A Bot API method. */
export interface SpecMethod {
  /** Method name, camelCase as the Bot API spells it. */
  name: string;
  /** Anchor on the documentation page, e.g. "#sendmessage". */
  link: string;
  /** Parameters in documentation order. */
  params: SpecField[];
  /** Return type expressions (several for a union, e.g. "Message" or "True"). */
  returns: string[];
}

/** A Bot API object type: either fields, or a union of subtypes, or neither (InputFile). */
export interface SpecType {
  /** Type name, PascalCase. */
  name: string;
  /** Anchor on the documentation page. */
  link: string;
  /** Fields in documentation order (empty for unions). */
  fields: SpecField[];
  /** Member types when this type is a union (InputMedia, ChatMember, …). */
  subtypes: string[];
}

/** The whole table. */
export interface SpecTable {
  /** Bot API version, e.g. "10.1". */
  version: string;
  /** Release date as the changelog gives it. */
  releaseDate: string;
  /** Base address of the documentation; links are anchors on it. */
  documentation: string;
  /** Methods in documentation order. */
  methods: SpecMethod[];
  /** Object types in documentation order. */
  types: SpecType[];
}

/** Where the official documentation lives. */
export const DOCUMENTATION_URL = "https://core.telegram.org/bots/api";

const DISCRIMINATOR = /(?:\balways|\bmust be)\s+[“"*]?([a-z0-9_]+)[”"*]?\s*$/;

/** The constant a discriminator field's documentation fixes, if any (the sentence itself is not kept). */
function discriminatorConst(description: string): string | undefined {
  return DISCRIMINATOR.exec(description.trim())?.[1];
}

/**
 * A field or parameter from what a documentation source says of it: a String documented as taking
 * `attach://…` also accepts an upload, and a required String of a union member whose documentation
 * fixes its value ("always …", "must be …") records that value as its `const`. The sentence itself is
 * not kept.
 */
export function specField(
  name: string,
  types: string[],
  required: boolean,
  description: string,
  unionMember: boolean,
): SpecField {
  const field: SpecField = { name, types: uploadable(types, description), required };
  const fixed = unionMember && required && types.length === 1 && types[0] === "String"
    ? discriminatorConst(description)
    : undefined;
  if (fixed) field.const = fixed;
  return field;
}

/** A String field documented as taking `attach://<name>` also accepts an uploaded file. */
function uploadable(types: string[], description: string): string[] {
  return types.length === 1 && types[0] === "String" && description.includes("attach://")
    ? ["InputFile", "String"]
    : [...types];
}

/** Strips a type expression's "Array of " prefixes: "Array of Array of PhotoSize" → "PhotoSize". */
export function elementType(type: string): string {
  return type.replace(/^(Array of )+/, "");
}

/** How many arrays wrap a type expression. */
export function arrayDepth(type: string): number {
  return (type.match(/Array of /g) ?? []).length;
}

/** Lists what is wrong with a table: every referenced type must exist. */
export function validateTable(table: SpecTable): string[] {
  const known = new Set([
    "Integer",
    "String",
    "Boolean",
    "Float",
    "True",
    "False",
    ...table.types.map((t) => t.name),
  ]);
  const problems: string[] = [];
  const check = (where: string, types: string[]) => {
    for (const t of types) if (!known.has(elementType(t))) problems.push(`${where}: unknown type ${t}`);
  };
  for (const m of table.methods) {
    check(`${m.name} returns`, m.returns);
    for (const p of m.params) check(`${m.name}.${p.name}`, p.types);
  }
  for (const t of table.types) {
    for (const f of t.fields) check(`${t.name}.${f.name}`, f.types);
    check(`${t.name} subtypes`, t.subtypes);
  }
  return problems;
}
