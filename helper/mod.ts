/**
 * Delegate building blocks (telepot's `telepot.helper`): handlers, contexts, listener, router,
 * scheduler, callback-query capture, answerer and the Sender / Administrator / Editor proxies.
 *
 * @module
 */
export * from "../bot/scheduler.ts";
export * from "./administrator.ts";
export * from "./answerer.ts";
export * from "./callback_query.ts";
export * from "./contexts.ts";
export * from "./default_router.ts";
export * from "./editor.ts";
export * from "./handler_methods.ts";
export * from "./handlers.ts";
export * from "./idle.ts";
export * from "./listener.ts";
export * from "./mixin.ts";
export * from "./openable.ts";
export * from "./proxy.ts";
export * from "./quick_flavor.ts";
export * from "./router.ts";
export * from "./sender.ts";
export * from "./standard_event.ts";
export * from "./template.ts";
