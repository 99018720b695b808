/**
 * A Bot API value in which every optional field, however deep, may also be `null`, meaning absent.
 * Method parameters accept it, so objects made by the `namedtuple` factories (which fill absent fields
 * with `null`) can be passed as they are; the transport leaves the `null` fields out.
 */
export type Nullable<T> = T extends (...args: never[]) => unknown ? T
  : T extends Blob | Uint8Array | ReadableStream<Uint8Array> ? T
  : T extends readonly (infer E)[] ? readonly Nullable<E>[]
  : T extends object ? {
      [K in keyof T]: undefined extends T[K] ? Nullable<Exclude<T[K], undefined>> | null | undefined
        : Nullable<T[K]>;
    }
  : T;
