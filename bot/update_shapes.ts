import { UPDATE_KINDS, type UpdateKind } from "../api/classification.gen.ts";
import { TYPES } from "../api/spec.gen.ts";

/** One kind of Update payload as the spec describes it: the Update field and its object's required fields. */
export interface UpdateShape {
  /** The Update field, e.g. `"poll_answer"`. */
  readonly kind: UpdateKind;
  /** The Bot API type of the payload, e.g. `"PollAnswer"`. */
  readonly typeName: string;
  /** Names of the fields the spec marks as always present in that type. */
  readonly required: readonly string[];
}

function buildShapes(): readonly UpdateShape[] {
  const update = TYPES["Update"];
  const shapes: UpdateShape[] = [];
  for (const kind of UPDATE_KINDS) {
    const field = update?.fields.find((f) => f.name === kind);
    const typeName = field?.types[0] ?? "";
    const type = TYPES[typeName];
    const required = type ? type.fields.filter((f) => f.required).map((f) => f.name) : [];
    shapes.push({ kind, typeName, required });
  }
  return shapes;
}

/** Every Update kind of the generated spec, in spec order, with the shape of its payload. */
export const UPDATE_SHAPES: readonly UpdateShape[] = buildShapes();

const byKind = new Map(UPDATE_SHAPES.map((s) => [s.kind as string, s]));

/** Whether the Update kind carries a `Message` (messages, channel posts, business and guest messages…). */
export function isMessageKind(kind: string): boolean {
  return byKind.get(kind)?.typeName === "Message";
}

/**
 * The Update kind an Update carries: the first field, in spec order, that is present. An Update with a
 * field newer than the generated spec yields that field's name, so it is still delivered, never dropped.
 */
export function updateKindOf(update: Record<string, unknown>): string | undefined {
  for (const kind of UPDATE_KINDS) {
    if (update[kind] !== undefined && update[kind] !== null) return kind;
  }
  // A kind newer than this table still arrives under its name; `_` names are the bot's own events,
  // which no update from outside may pose as.
  return Object.keys(update).find((k) => k !== "update_id" && !k.startsWith("_"));
}
