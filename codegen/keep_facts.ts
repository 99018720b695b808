/**
 * What an import keeps from the table it replaces: facts some sources do not carry. The official page
 * and the community JSON list a field's values in prose only (dropped with the prose), so a field
 * still there keeps the `enum` the previous table records; the community JSON writes `True` as
 * `Boolean`, so a field or result the previous table records as `True` stays `True` (namedtuple fills
 * such a required field in, and the emulator answers it). Nothing else is carried: a field that is
 * gone stays gone, and one whose type changed keeps only what its new type allows.
 */
import type { SpecField, SpecTable } from "./spec_table.ts";

/** `imported`, with the facts above taken from `previous` where `imported` lacks them. */
export function keepFacts(imported: SpecTable, previous: SpecTable): SpecTable {
  const fieldsOf = new Map<string, Map<string, SpecField>>();
  for (
    const owner of [...previous.methods.map((m) => ({ name: m.name, fields: m.params })), ...previous.types]
  ) {
    fieldsOf.set(owner.name, new Map(owner.fields.map((f) => [f.name, f])));
  }
  const returnsOf = new Map(previous.methods.map((m) => [m.name, m.returns]));
  const keep = (owner: string, field: SpecField): SpecField => {
    const before = fieldsOf.get(owner)?.get(field.name);
    if (before === undefined) return field;
    let kept = field;
    if (kept.enum === undefined && before.enum !== undefined && sameTypes(before.types, kept.types)) {
      kept = { ...kept, enum: before.enum };
    }
    const types = trueKept(before.types, kept.types);
    if (types !== kept.types) kept = { ...kept, types };
    return kept;
  };
  return {
    ...imported,
    methods: imported.methods.map((m) => ({
      ...m,
      params: m.params.map((p) => keep(m.name, p)),
      returns: trueKept(returnsOf.get(m.name) ?? [], m.returns),
    })),
    types: imported.types.map((t) => ({ ...t, fields: t.fields.map((f) => keep(t.name, f)) })),
  };
}

function sameTypes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

// `Boolean` where the previous table says `True` (one for one, in the same place) is `True`.
function trueKept(before: readonly string[], now: string[]): string[] {
  if (before.length !== now.length) return now;
  const kept = now.map((t, i) => t === "Boolean" && before[i] === "True" ? "True" : t);
  return kept.some((t, i) => t !== now[i]) ? kept : now;
}
