/**
 * The Bot API layer: the {@link Api} client (JSON / multipart transport on fetch, downloads, retry),
 * flood-limit throttling and broadcasts, input files, message identifiers, and the generated types, spec facts and classification tables.
 *
 * @module
 */
export type { DenoOpenFile, NodeFileHandle, OpenFile } from "../platform/open_file.ts";
export {
  broadcast,
  type BroadcastClient,
  type BroadcastFailure,
  type BroadcastFailureReason,
  type BroadcastMessage,
  type BroadcastOptions,
  type BroadcastProgress,
  type BroadcastResult,
} from "./broadcast.ts";
export { type BroadcastRecord, type BroadcastStore, jsonLinesStore } from "./broadcast_store.ts";
export * from "./classification.gen.ts";
export { Api, type ApiOptions, type CallOptions } from "./client.ts";
export { type DefaultParams, defaults, type ParamName, type ParamValue } from "./defaults.ts";
export type { DownloadDestination } from "./download.ts";
export { type InputFile, LocalFile, localFile } from "./input_file.ts";
export { debugFromEnvironment, type Logger, type LoggingOptions, RedactingLogger } from "./logger.ts";
export * from "./methods.gen.ts";
export {
  type ChatMsgIdentifier,
  chatMsgIdentifierParams,
  type ChatOrInlineMsgIdentifier,
  type EphemeralMsgIdentifier,
  type MsgIdentifier,
  type MsgIdentifierParams,
  msgIdentifierParams,
} from "./msg_identifier.ts";
export type { Nullable } from "./nullable.ts";
export * from "./payloads.gen.ts";
export { redactText, TOKEN_PLACEHOLDER } from "./redact.ts";
export { isIdempotent, type RetryOptions } from "./retry.ts";
export { retryTransformer } from "./retry_transformer.ts";
export * from "./spec.gen.ts";
export {
  isThrottle,
  TELEGRAM_LIMITS,
  throttle,
  type ThrottleLimits,
  type ThrottleOptions,
  type ThrottleStats,
  type ThrottleTransformer,
} from "./throttle.ts";
export {
  type ApiCall,
  type ApiTransformer,
  type CallNext,
  isCallTo,
  TransformerChain,
  type TypedApiCall,
} from "./transformers.ts";
export * from "./types.gen.ts";
