/**
 * The Bot API layer: the {@link Api} client (JSON / multipart transport on fetch, downloads, retry),
 * input files, message identifiers, and the generated types, spec facts and classification tables.
 *
 * @module
 */
export type { DenoOpenFile, NodeFileHandle, OpenFile } from "../platform/open_file.ts";
export * from "./classification.gen.ts";
export { Api, type ApiOptions, type CallOptions } from "./client.ts";
export type { DownloadDestination } from "./download.ts";
export { type InputFile, LocalFile, localFile } from "./input_file.ts";
export * from "./methods.gen.ts";
export { type MsgIdentifier, type MsgIdentifierParams, msgIdentifierParams } from "./msg_identifier.ts";
export type { Nullable } from "./nullable.ts";
export { redactText, TOKEN_PLACEHOLDER } from "./redact.ts";
export { isIdempotent, type RetryOptions } from "./retry.ts";
export * from "./spec.gen.ts";
export * from "./types.gen.ts";
