// Lua run inside Redis, each atomic: what has to be all-or-none or check-then-act.

/**
 * Appends a batch. ARGV: name, seen seconds, max length, then (partition, id, key, body) per record.
 * An id marked seen is left out; returns the ids appended.
 */
export const APPEND = `
local name, ttl, maxlen = ARGV[1], ARGV[2], ARGV[3]
local fresh = {}
for i = 4, #ARGV, 4 do
  local id = ARGV[i + 1]
  if redis.call('SET', name .. ':seen:' .. id, '1', 'NX', 'EX', ttl) then
    redis.call('XADD', name .. ':p:' .. ARGV[i], 'MAXLEN', '~', maxlen, '*', 'id', id, 'key', ARGV[i + 2], 'u', ARGV[i + 3])
    fresh[#fresh + 1] = id
  end
end
return fresh
`;

/** Renews leases held by ARGV[1] for ARGV[2] ms; KEYS are the leases. Returns 1/0 per lease. */
export const RENEW = `
local kept = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    kept[i] = 1
  else
    kept[i] = 0
  end
end
return kept
`;

/** Deletes each lease in KEYS that ARGV[1] still holds. */
export const RELEASE = `
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 0
`;

// The client sends again, on its next connection, every command whose reply a dropped connection lost
// (ioredis's autoResendUnfulfilledCommands): Redis may then run it twice. The scripts below make such a
// repeat change nothing. Resending stays on, because turning it off does not make the commands fail:
// the client forgets them, and their promises never settle.

/**
 * Counts one attempt at an update. KEYS: the attempts hash, the update's set of attempt tokens. ARGV:
 * update id, this attempt's token (unique per attempt), the token set's expiry in seconds. A token
 * already in the set is the same attempt sent again: it is not counted twice. Returns the count.
 * The token set is deleted with the update's count (ack, dead letter); the expiry only bounds what is
 * left of an update Redis lost track of.
 */
export const ATTEMPT = `
if redis.call('SADD', KEYS[2], ARGV[2]) == 0 then
  return tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
end
redis.call('EXPIRE', KEYS[2], ARGV[3])
return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
`;

/**
 * Dead-letters an update. KEYS: partition stream, dead stream, attempts hash, the update's token set.
 * ARGV: group, entry id, max length of the dead stream, update id, key, body, attempts, reason.
 * The dead letter is written only if the entry was still pending in the group: run again, the entry is
 * acked already and nothing is written twice (nor is an update dead-lettered that another worker, which
 * took its partition over, handled meanwhile). Returns 1 if written.
 */
export const DEAD_LETTER = `
local acked = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if acked == 1 then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'id', ARGV[4], 'key', ARGV[5], 'u', ARGV[6],
    'attempts', ARGV[7], 'reason', ARGV[8])
end
redis.call('HDEL', KEYS[3], ARGV[4])
redis.call('DEL', KEYS[4])
return acked
`;

/**
 * Takes a lease if free. KEYS: the lease. ARGV: holder, lease ms. A lease that already holds this
 * holder is its own (the same request, run twice): taken too, its expiry set anew. Returns 1 if held.
 */
export const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;
