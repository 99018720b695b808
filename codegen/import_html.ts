/**
 * Importer from the official Bot API documentation page (HTML). Sections are `<h4>` headings with an
 * anchor; a heading whose name starts with a capital letter is an object type, one that starts with a
 * lower-case letter is a method. Fields and parameters come from the table that follows; union
 * members from the list that follows and from the sentence that introduces it; return types from the
 * sentences that mention what is returned. Only facts are kept: names, types, required flags, return
 * types and links.
 */
import { DOCUMENTATION_URL, specField, type SpecTable } from "./spec_table.ts";

const HEADING = /<h4[^>]*>\s*<a[^>]*\bname="([^"]+)"[^>]*>(?:[\s\S]*?)<\/a>([\s\S]*?)<\/h4>/g;
const TABLE = /<table[\s\S]*?<\/table>/;
const ROW = /<tr[^>]*>([\s\S]*?)<\/tr>/g;
const CELL = /<td[^>]*>([\s\S]*?)<\/td>/g;
const LIST_ITEM = /<li[^>]*>\s*<a href="#([^"]+)"[^>]*>([A-Za-z0-9]+)<\/a>\s*<\/li>/g;
const VERSION = /<strong>Bot API (\d+(?:\.\d+)*)<\/strong>/;
const RELEASE_DATE = /<h4>\s*<a[^>]*\bname="[a-z]+-\d+-\d{4}"[^>]*>[\s\S]*?<\/a>([^<]+)<\/h4>/;

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  quot: "\"",
  apos: "'",
  lt: "<",
  gt: ">",
  nbsp: " ",
  amp: "&",
};

/** Removes tags and decodes entities: the named ones the page uses, and numeric ones (`&#8220;`, `&#x201D;`). */
function plainText(html: string): string {
  return html.replace(/<[^>]+>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] !== "#") return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return String.fromCodePoint(code);
    })
    .replace(/\s+/g, " ").trim();
}

/** Splits a type cell such as "Integer or String" or "Array of InputMediaAudio, InputMediaPhoto and …". */
function parseTypeCell(cell: string): string[] {
  const text = plainText(cell);
  const arrayOf = /^((?:Array of )+)(.*)$/.exec(text);
  const prefix = arrayOf ? arrayOf[1] : "";
  const rest = arrayOf ? arrayOf[2] : text;
  return rest.split(/\s*(?:,|\bor\b|\band\b)\s*/).filter(Boolean).map((t) => prefix + t);
}

const RETURN_SENTENCE = /[^.]*(?:\breturns?\b|\breturned\b|On success)[^.]*\./gi;
const RETURN_TYPE =
  /([Aa]rray of )?(?:<a href="#[a-z0-9]+">([A-Z][A-Za-z0-9]+)<\/a>|<em>(True|Int|String|Integer|Boolean)<\/em>|\b(True|Int|String)\b|\b([A-Z][A-Za-z0-9]+)\b)/g;

/** The type a word of prose names, if any: "Messages" → "Message", "Int" → "Integer". */
function typeNamed(word: string, knownTypes: Set<string>): string | undefined {
  if (word === "Int" || word === "Integer") return "Integer";
  if (["True", "String", "Boolean"].includes(word)) return word;
  if (knownTypes.has(word)) return word;
  if (word.endsWith("s") && knownTypes.has(word.slice(0, -1))) return word.slice(0, -1);
}

/** Reads return types from a method's description paragraphs. */
function parseReturns(descriptionHtml: string, knownTypes: Set<string>): string[] {
  const found: string[] = [];
  for (const sentence of descriptionHtml.match(RETURN_SENTENCE) ?? []) {
    for (const m of sentence.matchAll(RETURN_TYPE)) {
      const linked = m[2] ?? m[3] ?? m[4];
      const type = typeNamed(linked ?? m[5], knownTypes);
      // A bare capitalised word counts only inside "Array of …"; elsewhere it is ordinary prose.
      if (!type || (!linked && !m[1])) continue;
      const full = (m[1] ? "Array of " : "") + type;
      if (!found.includes(full)) found.push(full);
    }
  }
  return found;
}

const PROSE_PRIMITIVES = new Set(["String", "Integer", "Float", "Boolean"]);
const PROSE_TYPE = /((?:\bArray of )*)\b([A-Z][A-Za-z0-9]*)\b/g;

/**
 * Union members the sentence introducing a union's list names, before the list: a primitive, or an
 * "Array of" a type. The page gives RichText's String and Array of RichText members only this way, and
 * the other importers record them. Bare capitalised words are ordinary prose unless they are
 * primitives, and only the sentence right before the list counts, so an earlier remark does not add
 * members.
 */
function sentenceMembers(bodyBeforeList: string, knownTypes: Set<string>): string[] {
  const sentence = plainText(bodyBeforeList).split(/(?<=[.!?])\s+/).pop() ?? "";
  const found: string[] = [];
  for (const [, arrays, word] of sentence.matchAll(PROSE_TYPE)) {
    const member = arrays
      ? (knownTypes.has(word) || PROSE_PRIMITIVES.has(word) ? arrays + word : undefined)
      : (PROSE_PRIMITIVES.has(word) ? word : undefined);
    if (member !== undefined && !found.includes(member)) found.push(member);
  }
  return found;
}

interface Section {
  anchor: string;
  name: string;
  body: string;
}

function sections(html: string): Section[] {
  const heads = [...html.matchAll(HEADING)];
  return heads.map((h, i) => ({
    anchor: h[1],
    name: plainText(h[2]),
    body: html.slice(h.index! + h[0].length, i + 1 < heads.length ? heads[i + 1].index : html.length),
  }));
}

function tableRows(body: string): string[][] {
  const table = TABLE.exec(body.split(/<h3/)[0]);
  if (!table) return [];
  return [...table[0].matchAll(ROW)].map((r) => [...r[1].matchAll(CELL)].map((c) => c[1])).filter((c) =>
    c.length >= 3
  );
}

/** Converts the official documentation page into the project's spec table. */
export function importOfficialHtml(html: string): SpecTable {
  const all = sections(html).filter((s) => /^[A-Za-z][A-Za-z0-9]*$/.test(s.name));
  const typeSections = all.filter((s) => /^[A-Z]/.test(s.name));
  const knownTypes = new Set(typeSections.map((s) => s.name));
  const unionMembers = new Set<string>();
  const types = typeSections.map((s) => {
    const bodyBeforeTable = s.body.split(/<table/)[0];
    const listed = [...bodyBeforeTable.matchAll(LIST_ITEM)].map((m) => m[2]).filter((n) => knownTypes.has(n));
    listed.forEach((n) => unionMembers.add(n));
    // Only a union (a section with a list of types) takes members from its sentence.
    const subtypes = listed.length
      ? [...sentenceMembers(bodyBeforeTable.split(/<ul/)[0], knownTypes), ...listed]
      : [];
    return { s, subtypes };
  });
  return {
    version: VERSION.exec(html)?.[1] ?? "unknown",
    releaseDate: plainText(RELEASE_DATE.exec(html)?.[1] ?? ""),
    documentation: DOCUMENTATION_URL,
    methods: all.filter((s) => /^[a-z]/.test(s.name)).map((s) => ({
      name: s.name,
      link: `#${s.anchor.trim()}`,
      params: tableRows(s.body).map(([name, type, required, description]) =>
        specField(
          plainText(name),
          parseTypeCell(type),
          plainText(required) === "Yes",
          plainText(description ?? ""),
          false,
        )
      ),
      returns: parseReturns(s.body.split(/<table/)[0], knownTypes),
    })),
    types: types.map(({ s, subtypes }) => ({
      name: s.name,
      link: `#${s.anchor.trim()}`,
      subtypes,
      fields: tableRows(s.body).map(([name, type, description]) => {
        const text = plainText(description);
        return specField(
          plainText(name),
          parseTypeCell(type),
          !text.startsWith("Optional"),
          text,
          unionMembers.has(s.name),
        );
      }),
    })),
  };
}
