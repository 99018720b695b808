/**
 * Importer from the community JSON format of the Bot API (an object with `version`, `release_date`,
 * `methods` and `types`, each item carrying `name`, `href`, `fields`/`returns`, `subtypes`). Keeps
 * facts only: every description sentence is dropped.
 */
import { DOCUMENTATION_URL, type SpecField, specField, type SpecTable } from "./spec_table.ts";

interface CommunityField {
  name: string;
  types: string[];
  required: boolean;
  description?: string;
}
interface CommunityItem {
  name: string;
  href: string;
  fields?: CommunityField[];
  returns?: string[];
  subtypes?: string[];
  subtype_of?: string[];
}
interface CommunityDocument {
  version: string;
  release_date: string;
  methods: Record<string, CommunityItem>;
  types: Record<string, CommunityItem>;
}

function anchor(href: string): string {
  const hash = href.indexOf("#");
  return hash < 0 ? href : href.slice(hash);
}

function fields(item: CommunityItem, isSubtype: boolean): SpecField[] {
  return (item.fields ?? []).map((f) =>
    specField(f.name, f.types, f.required, f.description ?? "", isSubtype)
  );
}

/** Converts a parsed community JSON document into the project's spec table. */
export function importCommunityJson(doc: CommunityDocument): SpecTable {
  return {
    version: doc.version.replace(/^Bot API\s*/, ""),
    releaseDate: doc.release_date,
    documentation: DOCUMENTATION_URL,
    methods: Object.values(doc.methods).map((m) => ({
      name: m.name,
      link: anchor(m.href),
      params: fields(m, false),
      returns: [...(m.returns ?? [])],
    })),
    types: Object.values(doc.types).map((t) => ({
      name: t.name,
      link: anchor(t.href),
      fields: fields(t, (t.subtype_of ?? []).length > 0),
      subtypes: [...(t.subtypes ?? [])],
    })),
  };
}
