import { ObservationTimeout } from "./failure.ts";
import type { MessageObj, Obj } from "./types.ts";
import type { ChatState, QueryState } from "./world.ts";

/** Default wait of the awaitable observations, in seconds. */
export const DEFAULT_OBSERVE_SECONDS = 5;

/**
 * The oldest message a bot wrote in the chat that no caller has taken yet; waits up to `seconds` for one.
 * Taking them in order means a reply sent before the test started waiting is not missed.
 */
export function nextBotMessage(state: ChatState, seconds: number): Promise<MessageObj> {
  return awaitNext(state, seconds, `a bot message in chat ${state.chat.id}`, () => {
    const { log, authors } = state;
    while (state.botCursor < log.length) {
      const i = state.botCursor++;
      const message = log[i];
      if (authors[i] !== null && message !== undefined) return message;
    }
    return undefined;
  });
}

/** The oldest edit a bot made in the chat that no caller has taken yet (the message as edited then). */
export function nextBotEdit(state: ChatState, seconds: number): Promise<MessageObj> {
  return awaitNext(
    state,
    seconds,
    `a bot edit in chat ${state.chat.id}`,
    () => state.editCursor < state.botEdits.length ? state.botEdits[state.editCursor++] : undefined,
  );
}

function awaitNext(
  state: ChatState,
  seconds: number,
  what: string,
  take: () => MessageObj | undefined,
): Promise<MessageObj> {
  const ready = take();
  if (ready !== undefined) return Promise.resolve(ready);
  return new Promise((resolve, reject) => {
    const wake = () => {
      const message = take();
      if (message === undefined) return;
      state.botWaiters.delete(wake);
      clearTimeout(timer);
      resolve(message);
    };
    const timer = setTimeout(() => {
      state.botWaiters.delete(wake);
      reject(new ObservationTimeout(what, seconds));
    }, seconds * 1000);
    state.botWaiters.add(wake);
  });
}

/** The answer a bot gives to a query (answerCallbackQuery, answerInlineQuery, …); waits up to `seconds`. */
export function queryAnswer(query: QueryState, seconds: number): Promise<Obj> {
  if (query.answer !== undefined) return Promise.resolve(query.answer);
  return new Promise((resolve, reject) => {
    const stop = onQueryAnswer(query, (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
    const timer = setTimeout(() => {
      stop();
      reject(new ObservationTimeout(`an answer to ${query.kind} ${query.query.id}`, seconds));
    }, seconds * 1000);
  });
}

/**
 * Calls `listener` once with the answer of a query not answered yet, when it comes (the caller reads
 * `query.answer` first). Unlike {@link queryAnswer} it sets no timer, for a watcher that waits as long
 * as it runs (the console); the returned function stops the wait.
 */
export function onQueryAnswer(query: QueryState, listener: (answer: Obj) => void): () => void {
  query.waiters.push(listener);
  return () => {
    const i = query.waiters.indexOf(listener);
    if (i >= 0) query.waiters.splice(i, 1);
  };
}

/** Records a query's answer and wakes whoever awaits it. */
export function settleQuery(query: QueryState, answer: Obj): void {
  query.answer = answer;
  for (const waiter of query.waiters.splice(0)) waiter(answer);
}
