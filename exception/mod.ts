/**
 * Error classes of telepot-ts, after telepot's `telepot.exception`.
 *
 * @module
 */
export { AnswerTooLarge } from "./answer_too_large.ts";
export { BadFlavor } from "./bad_flavor.ts";
export { BadHTTPResponse } from "./bad_http_response.ts";
export { BadInput } from "./bad_input.ts";
export { DeadLetterError } from "./dead_letter.ts";
export { EventNotFound } from "./event_not_found.ts";
export { IdleTerminate } from "./idle_terminate.ts";
export { NetworkError, type NetworkErrorOptions } from "./network_error.ts";
export { RequestTimeout } from "./request_timeout.ts";
export { StateConflict } from "./state_conflict.ts";
export { StopListening } from "./stop_listening.ts";
export {
  type ErrorContext,
  type ErrorEnvelope,
  type ErrorParameters,
  TelegramError,
  type TelegramErrorClass,
} from "./telegram_error.ts";
export {
  registeredTelegramErrors,
  registerTelegramError,
  telegramErrorFrom,
} from "./telegram_error_registry.ts";
export * from "./telegram_error_subclasses.ts";
export { TelepotException } from "./telepot_exception.ts";
export { ThrottleQueueFull } from "./throttle_queue_full.ts";
export { UnexpectedRedirect } from "./unexpected_redirect.ts";
export { UnusableFile } from "./unusable_file.ts";
export { WaitTooLong } from "./wait_too_long.ts";
