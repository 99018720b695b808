/**
 * Importer from the TypeScript declaration format of the Bot API published as `@gramio/types`
 * (`out/methods.d.ts`, `out/params.d.ts`, `out/objects.d.ts`). The declarations are read with the
 * TypeScript compiler's parser, never with patterns over the source text; only facts are kept: names,
 * types, required flags, return types, unions, literal values and documentation anchors.
 *
 * Two facts the format does not carry are taken from the previous table (the committed one) when
 * given, see {@link DeclarationSources}: it writes Integer and Float both as `number` (a `number` field
 * is Integer unless the previous table records it as Float), and its union aliases list object types
 * only (a union such as RichText, which the Bot API also lets be a String or an array of itself, keeps
 * those members when the previous table has them).
 */
import ts from "npm:typescript@5.9.3";
import {
  DOCUMENTATION_URL,
  type SpecField,
  type SpecMethod,
  type SpecTable,
  type SpecType,
} from "./spec_table.ts";

/** The three declaration files, as text, and what the format cannot say on its own. */
export interface DeclarationSources {
  /** `out/methods.d.ts`: the `APIMethods` interface. */
  methods: string;
  /** `out/params.d.ts`: one `…Params` interface per method that takes parameters. */
  params: string;
  /** `out/objects.d.ts`: one `Telegram…` declaration per object type, union or literal set. */
  objects: string;
  /**
   * The table this import replaces: a `number` field it records as Float stays Float (the declarations
   * cannot tell Float from Integer), and a union keeps the members outside object types it records
   * (String, `Array of` itself), which the format's union aliases leave out.
   */
  previous?: SpecTable;
}

const PREFIX = "Telegram";
const PRIMITIVES = new Set(["Integer", "Float", "String", "Boolean", "True", "False"]);
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function parse(name: string, text: string): ts.SourceFile {
  return ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** The documentation anchor a declaration's doc comment links to ("[Documentation](…/#sendmessage)"). */
function docAnchor(node: ts.Node): string | undefined {
  for (const doc of ts.getJSDocCommentsAndTags(node)) {
    const text = typeof doc.comment === "string" ? doc.comment : doc.getText();
    const link = /\[Documentation\]\(https:\/\/core\.telegram\.org\/bots\/api\/?(#[a-z0-9-]+)\)/.exec(text);
    if (link) return link[1];
  }
}

/** Version and release date from the header comment ("Based on Bot API v10.3 (24.08.2026)"). */
function versionLine(source: ts.SourceFile): { version: string; releaseDate: string } {
  const header = source.getFullText().slice(0, source.statements[0]?.getStart() ?? 0);
  const m = /Bot API v(\d+(?:\.\d+)*) \((\d{2})\.(\d{2})\.(\d{4})\)/.exec(header);
  if (!m) throw new Error("methods.d.ts: no \"Based on Bot API vX.Y (DD.MM.YYYY)\" line in the header");
  return { version: m[1], releaseDate: `${MONTHS[Number(m[3]) - 1]} ${Number(m[2])}, ${m[4]}` };
}

/** A declared name without the format's `Telegram` prefix: the Bot API name. */
function apiName(name: string): string {
  return name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
}

/** A referenced name without the format's namespace qualifier and `Telegram` prefix. */
function referencedName(ref: ts.TypeReferenceNode): string {
  return apiName(ts.isQualifiedName(ref.typeName) ? ref.typeName.right.text : ref.typeName.text);
}

/** A literal value a field may take. */
type Literal = string | number;

/** What one field's type annotation says, in the table's vocabulary. */
interface FieldType {
  types: string[];
  literals: Literal[];
}

/** A set of literal values (`"private" | "group"`, `3 | 6 | 12`) and the type they are values of. */
interface LiteralSet {
  type: "String" | "Integer";
  values: Literal[];
}

class Reader {
  /** Declarations of objects.d.ts by their Bot API name. */
  readonly objects = new Map<string, ts.InterfaceDeclaration | ts.TypeAliasDeclaration>();
  /** Literal sets (`TelegramChatType = "private" | …`, `SendPollType`): values, not object types. */
  readonly literalSets = new Map<string, LiteralSet>();

  constructor(objects: ts.SourceFile, params: ts.SourceFile, private readonly floats: Set<string>) {
    for (const file of [objects, params]) {
      for (const s of file.statements) {
        if (!ts.isInterfaceDeclaration(s) && !ts.isTypeAliasDeclaration(s)) continue;
        const name = apiName(s.name.text);
        // The format's own response envelope (`APIResponse<T>`, …) is not a Bot API object.
        if (name.startsWith("APIResponse")) continue;
        const literals = ts.isTypeAliasDeclaration(s) ? literalSet(s.type) : undefined;
        if (literals) this.literalSets.set(name, literals);
        else if (file === objects) this.objects.set(name, s);
      }
    }
  }

  /** A type annotation as type expressions ("Integer", "Array of Message") plus literal values. */
  fieldType(node: ts.TypeNode, owner: string, field: string): FieldType {
    const types: string[] = [];
    const literals: Literal[] = [];
    const add = (t: string) => {
      if (!types.includes(t)) types.push(t);
    };
    const visit = (n: ts.TypeNode, array: string): void => {
      if (ts.isParenthesizedTypeNode(n)) return visit(n.type, array);
      if (ts.isUnionTypeNode(n)) return n.types.forEach((t) => visit(t, array));
      if (ts.isArrayTypeNode(n)) return visit(n.elementType, array + "Array of ");
      // `{ toJSON(): … }` and `{ toString(): string }` are the format's conveniences, not Bot API types.
      if (ts.isTypeLiteralNode(n)) return;
      if (ts.isLiteralTypeNode(n)) {
        if (ts.isStringLiteral(n.literal)) {
          literals.push(n.literal.text);
          return add(array + "String");
        }
        if (ts.isNumericLiteral(n.literal)) {
          literals.push(Number(n.literal.text));
          return add(array + "Integer");
        }
        if (n.literal.kind === ts.SyntaxKind.TrueKeyword) return add(array + "True");
        if (n.literal.kind === ts.SyntaxKind.FalseKeyword) return add(array + "False");
        throw new Error(`${owner}.${field}: unsupported literal ${n.getText()}`);
      }
      switch (n.kind) {
        case ts.SyntaxKind.NumberKeyword:
          return add(array + (this.floats.has(`${owner}.${field}`) ? "Float" : "Integer"));
        case ts.SyntaxKind.StringKeyword:
          return add(array + "String");
        case ts.SyntaxKind.BooleanKeyword:
          return add(array + "Boolean");
      }
      if (ts.isTypeReferenceNode(n)) {
        const name = referencedName(n);
        // `Exclude<keyof TelegramUpdate, "update_id">[]`: the names of update kinds, Strings.
        if (name === "Exclude") return add(array + "String");
        const set = this.literalSets.get(name);
        if (set) {
          literals.push(...set.values);
          return add(array + set.type);
        }
        return add(array + name);
      }
      throw new Error(`${owner}.${field}: unsupported type ${n.getText()}`);
    };
    visit(node, "");
    return { types, literals };
  }

  /** Fields or parameters of an interface, in declaration order. */
  fields(decl: ts.InterfaceDeclaration, owner: string): SpecField[] {
    return decl.members.filter(ts.isPropertySignature).map((p) => {
      const name = p.name.getText();
      if (!p.type) throw new Error(`${owner}.${name}: no type`);
      const { types, literals } = this.fieldType(p.type, owner, name);
      const field: SpecField = { name, types, required: !p.questionToken };
      // One literal fixes the value (a discriminator); several list the values a String may take.
      if (literals.length === 1 && types.length === 1 && typeof literals[0] === "string") {
        field.const = literals[0];
      } else if (literals.length > 1) field.enum = literals;
      return field;
    });
  }
}

/** The values of a union made only of string (or only of number) literals; undefined otherwise. */
function literalSet(node: ts.TypeNode): LiteralSet | undefined {
  const members = ts.isUnionTypeNode(node) ? node.types : [node];
  const strings = members.every((m) => ts.isLiteralTypeNode(m) && ts.isStringLiteral(m.literal));
  const numbers = members.every((m) => ts.isLiteralTypeNode(m) && ts.isNumericLiteral(m.literal));
  if (!strings && !numbers) return undefined;
  const values = members.map((m) => {
    const literal = (m as ts.LiteralTypeNode).literal as ts.StringLiteral | ts.NumericLiteral;
    return strings ? literal.text : Number(literal.text);
  });
  return { type: strings ? "String" : "Integer", values };
}

/** `CallAPI<Params.X, R>`, `CallAPIWithOptionalParams<Params.X, R>` or `CallAPIWithoutParams<R>`. */
function signature(method: ts.PropertySignature): { params?: string; result: ts.TypeNode } {
  const type = method.type;
  if (!type || !ts.isTypeReferenceNode(type) || !type.typeArguments?.length) {
    throw new Error(`${method.name.getText()}: not a CallAPI… signature`);
  }
  const args = type.typeArguments;
  if (args.length === 1) return { result: args[0] };
  const params = args[0];
  if (!ts.isTypeReferenceNode(params)) throw new Error(`${method.name.getText()}: parameters are not named`);
  return { params: referencedName(params), result: args[1] };
}

function floatFields(previous: SpecTable | undefined): Set<string> {
  const out = new Set<string>();
  for (const owner of [...(previous?.methods ?? []), ...(previous?.types ?? [])]) {
    const fields = "params" in owner ? owner.params : owner.fields;
    for (const f of fields) if (f.types.some((t) => t.endsWith("Float"))) out.add(`${owner.name}.${f.name}`);
  }
  return out;
}

/** Converts the three declaration files into the project's spec table. */
export function importDeclarations(sources: DeclarationSources): SpecTable {
  const methodsFile = parse("methods.d.ts", sources.methods);
  const paramsFile = parse("params.d.ts", sources.params);
  const previousUnions = new Map((sources.previous?.types ?? []).map((t) => [t.name, t.subtypes]));
  const reader = new Reader(
    parse("objects.d.ts", sources.objects),
    paramsFile,
    floatFields(sources.previous),
  );
  const paramDecls = new Map(
    paramsFile.statements.filter(ts.isInterfaceDeclaration).map((d) => [d.name.text, d]),
  );
  const api = methodsFile.statements.find((s): s is ts.InterfaceDeclaration =>
    ts.isInterfaceDeclaration(s) && s.name.text === "APIMethods"
  );
  if (!api) throw new Error("methods.d.ts: no APIMethods interface");

  const methods: SpecMethod[] = api.members.filter(ts.isPropertySignature).map((p) => {
    const name = p.name.getText();
    const { params, result } = signature(p);
    const decl = params ? paramDecls.get(params) : undefined;
    if (params && !decl) throw new Error(`${name}: params.d.ts has no ${params}`);
    return {
      name,
      link: docAnchor(p) ?? `#${name.toLowerCase()}`,
      params: decl ? reader.fields(decl, name) : [],
      returns: reader.fieldType(result, name, "returns").types,
    };
  });

  const types: SpecType[] = [...reader.objects].map(([name, decl]) => {
    const link = docAnchor(decl) ?? `#${name.toLowerCase()}`;
    if (ts.isInterfaceDeclaration(decl)) {
      return { name, link, fields: reader.fields(decl, name), subtypes: [] };
    }
    // A union of object types, or (InputFile = Blob) a type with neither fields nor members.
    const members = ts.isUnionTypeNode(decl.type) ? decl.type.types : [];
    const subtypes = members.map((m) => {
      if (!ts.isTypeReferenceNode(m)) throw new Error(`${name}: union member ${m.getText()} is not a type`);
      return referencedName(m);
    });
    // Members the format leaves out lead, as on the official page ("String, Array of RichText, or …").
    const kept = (previousUnions.get(name) ?? []).filter((m) =>
      PRIMITIVES.has(m) || m.startsWith("Array of ")
    );
    return { name, link, fields: [], subtypes: [...kept, ...subtypes] };
  });

  return {
    ...versionLine(methodsFile),
    documentation: DOCUMENTATION_URL,
    methods,
    types,
  };
}

/** Reads `methods.d.ts`, `params.d.ts` and `objects.d.ts` from a folder (the package's `out/`). */
export async function readDeclarations(
  folder: string | URL,
  previous?: SpecTable,
): Promise<DeclarationSources> {
  const base = typeof folder === "string"
    ? new URL(`${folder.replace(/\/*$/, "")}/`, `file://${Deno.cwd()}/`)
    : folder;
  const read = (file: string) => Deno.readTextFile(new URL(file, base));
  return {
    methods: await read("methods.d.ts"),
    params: await read("params.d.ts"),
    objects: await read("objects.d.ts"),
    previous,
  };
}
