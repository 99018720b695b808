/**
 * Resolves when `promise` settles or after `seconds`, whichever comes first, with whether `promise`
 * did, and never rejects. The timer is cleared as soon as the promise wins, so no timer outlives the
 * wait (a pending one would keep the process alive and fire for nothing).
 */
export function within(promise: Promise<unknown>, seconds: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), seconds * 1000);
    promise.then(() => resolve(true), () => resolve(true));
  }).finally(() => clearTimeout(timer));
}

/** `promise`, or an earlier resolution when `signal` aborts. */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T | void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
