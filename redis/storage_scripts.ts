// Lua for the Redis storage, each run atomically: a compare-and-set is one check-then-act in Redis.
// A value lives in a hash (`v`: JSON, `n`: version) with its expiry; the index, a sorted set of the
// keys (all at score 0, so in byte order), is what scans read, and it is kept in the same script.

/**
 * Writes a value. KEYS: hash, index. ARGV: key, JSON, expected version (`""`: any), ttl ms (`""`:
 * none). Returns `{1, new version}`, or `{0, found version}` when the expected version differs.
 * Each write also looks at a few keys of the index at random and drops those whose value expired:
 * Redis removes an expired value, never its index entry, and a scan prunes only its own prefix.
 */
export const STATE_SET = `
local prefix = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[1])
for _, member in ipairs(redis.call('ZRANDMEMBER', KEYS[2], 4)) do
  if redis.call('EXISTS', prefix .. member) == 0 then redis.call('ZREM', KEYS[2], member) end
end
local found = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
if ARGV[3] ~= '' and tonumber(ARGV[3]) ~= found then return {0, found} end
local version = found + 1
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'n', version)
if ARGV[4] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[4]) else redis.call('PERSIST', KEYS[1]) end
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return {1, version}
`;

/**
 * Removes a value. KEYS: hash, index. ARGV: key, expected version (`""`: any). Returns `{1, 1|0}`
 * (whether it was there), or `{0, found version}` when the expected version differs.
 */
export const STATE_DELETE = `
local found = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
if ARGV[2] ~= '' and tonumber(ARGV[2]) ~= found then return {0, found} end
redis.call('ZREM', KEYS[2], ARGV[1])
return {1, redis.call('DEL', KEYS[1])}
`;

/**
 * Lists the live values under a prefix, in key order. KEYS: index. ARGV: hash key prefix, key prefix.
 * Returns key, JSON, version, … ; keys whose value expired are dropped from the index on the way.
 * (Every hash shares the index's hash tag, so this stays in one slot of a cluster.)
 */
export const STATE_SCAN = `
local keys
if ARGV[2] == '' then
  keys = redis.call('ZRANGEBYLEX', KEYS[1], '-', '+')
else
  keys = redis.call('ZRANGEBYLEX', KEYS[1], '[' .. ARGV[2], '[' .. ARGV[2] .. '\\255')
end
local out = {}
for _, key in ipairs(keys) do
  local cell = redis.call('HMGET', ARGV[1] .. key, 'v', 'n')
  if cell[2] then
    out[#out + 1] = key
    out[#out + 1] = cell[1]
    out[#out + 1] = cell[2]
  else
    redis.call('ZREM', KEYS[1], key)
  end
end
return out
`;
