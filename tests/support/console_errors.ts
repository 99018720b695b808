/**
 * Records console.error calls instead of printing them, until disposed: `using errors =
 * recordConsoleErrors()`, then `errors.calls` holds each call's arguments. For tests of code that
 * reports failures on the console: they check the report and keep the test output clean.
 */
export function recordConsoleErrors(): { readonly calls: unknown[][] } & Disposable {
  const original = console.error;
  const calls: unknown[][] = [];
  console.error = (...args: unknown[]) => void calls.push(args);
  return {
    calls,
    [Symbol.dispose]() {
      console.error = original;
    },
  };
}
