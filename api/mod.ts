/**
 * The Bot API layer: the {@link Api} client (JSON / multipart transport on fetch, downloads, retry),
 * input files, message identifiers, and the generated types, spec facts and classification tables.
 *
 * @module
 */
export * from "./classification.gen.ts";
export { Api, type ApiOptions, type CallOptions } from "./client.ts";
export { type DownloadDestination, type DownloadSink, isLocalFilePath, openDestination } from "./download.ts";
export {
  describeUpload,
  type InputFile,
  isUpload,
  LocalFile,
  localFile,
  type Upload,
  type UploadPart,
} from "./input_file.ts";
export * from "./methods.gen.ts";
export { type MsgIdentifier, type MsgIdentifierParams, msgIdentifierParams } from "./msg_identifier.ts";
export { type MultipartBody, multipartBody, type MultipartField, newBoundary } from "./multipart.ts";
export type { Nullable } from "./nullable.ts";
export { redactError, redactParams, redactText, TOKEN_PLACEHOLDER } from "./redact.ts";
export { type EncodedBody, encodeParams, type RequestBody } from "./request_body.ts";
export { isIdempotent, type RetryOptions, type RetryPolicy } from "./retry.ts";
export * from "./spec.gen.ts";
export * from "./types.gen.ts";
