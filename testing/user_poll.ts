import { ScriptError } from "./failure.ts";
import type { Obj } from "./types.ts";
import type { Actor, MessageRef } from "./user_types.ts";

/**
 * Votes in a poll a bot sent (option indexes; an empty list retracts the vote). The bot receives the
 * updated `poll`, and a `poll_answer` when the poll is not anonymous.
 */
export function castVote(
  actor: Actor,
  pollMessage: MessageRef,
  optionIds: readonly number[],
): Promise<void> {
  const state = actor.chatOf(pollMessage);
  const world = actor.host.world;
  const message = world.message(state, pollMessage.message_id);
  const poll = message?.poll as Obj | undefined;
  const bot = state.authors[pollMessage.message_id - 1];
  if (poll === undefined || bot === null || bot === undefined) {
    return Promise.reject(new ScriptError("not a bot's poll"));
  }
  if (poll.is_closed === true) return Promise.reject(new ScriptError("the poll is closed"));
  const options = poll.options as Obj[];
  if (optionIds.some((i) => options[i] === undefined)) {
    return Promise.reject(new ScriptError("no such option"));
  }
  if (optionIds.length > 1 && poll.allows_multiple_answers !== true) {
    return Promise.reject(new ScriptError("the poll allows one answer"));
  }
  const votes = world.votes;
  const key = `${poll.id}:${actor.user.id}`;
  const previous = votes.get(key) ?? [];
  if (previous.length > 0 && poll.allows_revoting === false) {
    return Promise.reject(new ScriptError("revoting is not allowed"));
  }
  for (const i of previous) options[i].voter_count = (options[i].voter_count as number) - 1;
  for (const i of optionIds) options[i].voter_count = (options[i].voter_count as number) + 1;
  if (previous.length === 0 && optionIds.length > 0) {
    poll.total_voter_count = (poll.total_voter_count as number) + 1;
  }
  if (previous.length > 0 && optionIds.length === 0) {
    poll.total_voter_count = (poll.total_voter_count as number) - 1;
  }
  votes.set(key, [...optionIds]);
  // The counts are part of the message: an open page shows them.
  world.changed({ kind: "edit", chat: state, message: message! });
  bot.queue.push("poll", structuredClone(poll));
  if (poll.is_anonymous === false) {
    bot.queue.push("poll_answer", {
      poll_id: poll.id,
      user: actor.user,
      option_ids: [...optionIds],
      option_persistent_ids: optionIds.map((i) => options[i].persistent_id),
    });
  }
  return Promise.resolve();
}
