import type { LocalFile } from "./input_file.ts";

/**
 * A Bot API value in which every optional field, however deep, may also be `null`, meaning absent.
 * Method parameters accept it, so objects made by the `namedtuple` factories (which fill absent fields
 * with `null`) can be passed as they are; the transport leaves the `null` fields out.
 */
export type Nullable<T> = T extends (...args: never[]) => unknown ? T
  : T extends Blob | Uint8Array | ReadableStream<Uint8Array> | LocalFile ? T
  // Mapped over T itself, so that a tuple (a `[filename, data]` pair) keeps its length. `NamedTuple` has
  // the same branches in the same order: TypeScript relates the two in the recursive rich-text types
  // only while they stay parallel.
  : T extends readonly unknown[] ? { readonly [K in keyof T]: Nullable<T[K]> }
  : T extends object ? {
      [K in keyof T]: undefined extends T[K] ? Nullable<Exclude<T[K], undefined>> | null | undefined
        : Nullable<T[K]>;
    }
  : T;
