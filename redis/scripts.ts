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
