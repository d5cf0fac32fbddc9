/**
 * The parameter server's atomic steps, each one Lua script that Redis runs atomically over one
 * shard's keys (one hash tag, so a Redis Cluster keeps them on one node). A small shard's
 * exchange is one script doing the arithmetic (at the end of this file). For a larger one the
 * scripts never touch the vectors' numbers: the replica reads a shard, computes its new vectors in JavaScript,
 * stages them as plain keys, and a commit script swaps them in (RENAME) only if the shard is
 * still as it was read; otherwise it drops them and answers `conflict`, and the replica reads
 * again and recomputes (optimistic concurrency: no update is ever applied to a state other than
 * the one it was computed from, so none is lost). Moving 80,000 bytes in and out of Lua costs
 * more than the arithmetic; RENAME moves none.
 *
 * Every shard keeps in its `meta` hash its `version` (updates applied), an `epoch` written anew
 * by every restore (the read token is epoch:version, so a state read before Redis lost the
 * server never matches the state restored), and each replica's `seq:i` (its last exchange
 * applied, so a command resent after a dropped connection is applied once). The main shard (0)
 * also keeps the run's accounting, updated in the same commit as its part of the exchange:
 * `claimed` and `total` local steps, the `replicas` that share them (`firstCome`: given first come,
 * first served before), each replica's `steps:i` pushed, `grant:i` (steps it was
 * given at its last exchange and has not pushed yet), `last:i` (the version it last read, for
 * staleness), `done:i` (given no more steps), `worker:i` (the worker running it), `stopped`, the
 * staleness histogram `st:<s>`, `began` (when the first replica registered, in milliseconds of
 * Redis's clock), and what the run's coordinator counted of a begun replica that gave no sign of
 * itself, `quiet:i` and `unbeaten:i` (src/concurrent-runs/replica-stalls.ts).
 * A missing vector means Redis lost the server: every script answers LOST and the run restores
 * it from its checkpoint in PostgreSQL. Writes keep the keys' time to live: the run's
 * coordinator renews it, so a server whose run is gone expires.
 */

const common = `
local function number(meta, field)
  return tonumber(redis.call('HGET', meta, field) or '0')
end
-- Gives replica r up to \`want\` more local steps of the run's total (none once stopped), never
-- past its share of the total: of p replicas, replica r makes ⌈(total − r)/p⌉ steps, those of the
-- ticks the simulation deals it. Its steps pushed are all it was given before (an exchange pushes
-- its last grant), so its share less its steps pushed is what it has left, also on a server written
-- back from an older state: \`claimed\` there counts grants since pushed and replaced, which the
-- replicas do not redo. A server written without \`replicas\` gives steps first come, first served,
-- up to \`claimed\` = total; one that was (\`firstCome\`: a replica may be past its share) keeps that
-- bound beside the shares.
-- want < 0: a resumed replica is given again the steps it was given and never pushed.
local function claim(meta, r, want)
  local grant = 0
  if redis.call('HGET', meta, 'stopped') ~= '1' then
    if want < 0 then
      grant = number(meta, 'grant:' .. r)
    else
      local total = number(meta, 'total')
      local p = number(meta, 'replicas')
      grant = want
      if p > 0 then
        local share = math.floor(total / p) + ((tonumber(r) < total % p) and 1 or 0)
        grant = math.min(grant, share - number(meta, 'steps:' .. r))
      end
      if p == 0 or redis.call('HGET', meta, 'firstCome') == '1' then
        grant = math.min(grant, total - number(meta, 'claimed'))
      end
      grant = math.max(0, grant)
      redis.call('HINCRBY', meta, 'claimed', grant)
    end
  end
  redis.call('HSET', meta, 'grant:' .. r, grant)
  if grant == 0 then redis.call('HSET', meta, 'done:' .. r, 1) end
  return grant
end
-- Counts an update of replica r made with the server as of version \`read\`, and its n local steps.
local function account(meta, r, read, n)
  local version = number(meta, 'version')
  redis.call('HINCRBY', meta, 'st:' .. math.max(0, version - read), 1)
  redis.call('HINCRBY', meta, 'steps:' .. r, n)
end
`;

/**
 * The commit's first part. KEYS: the shard's n vectors, meta, then n staged values. ARGV[1]
 * replica, ARGV[2] seq, ARGV[3] the token the values were computed from. Swaps the staged values
 * in and returns nil, or drops them and returns why not: LOST, 'again' (this exchange was
 * applied already) or 'conflict' (the shard changed since it was read).
 */
const commit = `${common}
local function commit(n)
  local meta = KEYS[n + 1]
  local function drop()
    for k = 1, n do redis.call('DEL', KEYS[n + 1 + k]) end
  end
  if redis.call('EXISTS', KEYS[1]) == 0 then
    drop()
    return redis.error_reply('LOST parameter server state')
  end
  if tonumber(ARGV[2]) <= number(meta, 'seq:' .. ARGV[1]) then
    drop()
    return 'again'
  end
  local token = (redis.call('HGET', meta, 'epoch') or '') .. ':' .. number(meta, 'version')
  if token ~= ARGV[3] or redis.call('EXISTS', unpack(KEYS, n + 2, 2 * n + 1)) ~= n then
    drop()
    return 'conflict'
  end
  for k = 1, n do
    local ttl = redis.call('PTTL', KEYS[k])
    redis.call('RENAME', KEYS[n + 1 + k], KEYS[k])
    if ttl > 0 then redis.call('PEXPIRE', KEYS[k], ttl) else redis.call('PERSIST', KEYS[k]) end
  end
  return nil
end
`;

/** What a commit that was not applied replies: {status, version, grant as given already}, or LOST. */
const notApplied = `
local function notApplied(outcome, meta, r, main)
  if type(outcome) == 'table' then return outcome end
  return {outcome, number(meta, 'version'), main and number(meta, 'grant:' .. r) or 0}
end
`;

/**
 * The commit of an exchange that changes w and gives steps. KEYS: w, meta, staged w. ARGV:
 * replica, seq, token, steps since the last exchange, main (1/0), steps wanted, then the
 * algorithm's own. → {'applied' | 'again' | 'conflict', version, grant}. `accounting` is what the
 * main shard counts besides (staleness, steps), before the version moves.
 */
const exchangeCommit = (accounting: string) => `${commit}${notApplied}
local meta, r, main = KEYS[2], ARGV[1], ARGV[5] == '1'
local outcome = commit(1)
if outcome then return notApplied(outcome, meta, r, main) end
if main then ${accounting} end
redis.call('HINCRBY', meta, 'version', 1)
redis.call('HSET', meta, 'seq:' .. r, ARGV[2])
local grant = 0
if main then grant = claim(meta, r, tonumber(ARGV[6])) end
return {'applied', number(meta, 'version'), grant}
`;

/** Downpour's x̃ ← x̃ + v_i, with x̃ + v_i computed by the replica from the x̃ it read; ARGV[7]: the version it last pulled. */
export const downpourCommit = exchangeCommit(`account(meta, r, tonumber(ARGV[7]), tonumber(ARGV[4]))`);

/** Easgd's x̃ ← x̃ + α(x_i − x̃), computed by the replica from the x̃ it read. */
export const elasticCommit = exchangeCommit(`
  account(meta, r, number(meta, 'last:' .. r), tonumber(ARGV[4]))
  redis.call('HSET', meta, 'last:' .. r, number(meta, 'version') + 1)`);

/**
 * KEYS: w, ḡ, z, z′, meta, their staged values. ARGV: replica, seq, token, version read, main
 * (1/0). → {'applied' | 'again' | 'conflict', version, 0}: AdaptiveRevision's update, computed by
 * the replica from the w, ḡ, z, z′ it read.
 */
export const revisionCommit = `${commit}${notApplied}
local meta, r, main = KEYS[5], ARGV[1], ARGV[5] == '1'
local outcome = commit(4)
if outcome then return notApplied(outcome, meta, r, false) end
if main then
  account(meta, r, tonumber(ARGV[4]), 1)
  redis.call('HSET', meta, 'grant:' .. r, 0)
end
redis.call('HINCRBY', meta, 'version', 1)
redis.call('HSET', meta, 'seq:' .. r, ARGV[2])
return {'applied', number(meta, 'version'), 0}
`;

/**
 * KEYS: w, meta. ARGV: replica, seq (0: none), main (1/0), steps wanted (−1: a resumed replica's
 * steps given and never pushed). → {'applied' | 'again', grant}: an exchange that changes no
 * vector (a downpour replica with nothing to push, an AdaptiveRevision read), claiming steps.
 */
export const claimSteps = `${common}
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('LOST parameter server state') end
local meta, r, seq, main = KEYS[2], ARGV[1], tonumber(ARGV[2]), ARGV[3] == '1'
if seq > 0 then
  if seq <= number(meta, 'seq:' .. r) then return {'again', main and number(meta, 'grant:' .. r) or 0} end
  redis.call('HSET', meta, 'seq:' .. r, seq)
end
local grant = 0
if main then grant = claim(meta, r, tonumber(ARGV[4])) end
return {'applied', grant}
`;

/*
 * The same exchanges with the arithmetic in the script, for small shards (see
 * parameter-server.ts): one round trip, never refused, at the cost of decoding and encoding the
 * shard's doubles in Lua with Redis's `struct` library (a downpour exchange of 10,000
 * coordinates keeps Redis busy about 3 ms).
 */

const codec = `
local chunk = 1000
local chunkFormat = '<' .. string.rep('d', chunk)
-- Calls fn(format, m, pos, i) for each run of up to \`chunk\` float64 of an n-value vector: m values from byte pos, after i values.
local function chunks(n, fn)
  local pos, i = 1, 0
  while i < n do
    local m = math.min(chunk, n - i)
    fn(m == chunk and chunkFormat or ('<' .. string.rep('d', m)), m, pos, i)
    pos = pos + 8 * m
    i = i + m
  end
end
local function decode(s)
  local t = {}
  chunks(#s / 8, function(format, m, pos, i)
    local values = {struct.unpack(format, s, pos)}
    for k = 1, m do t[i + k] = values[k] end
  end)
  return t
end
local function encode(t)
  local parts = {}
  chunks(#t, function(format, m, _, i) parts[#parts + 1] = struct.pack(format, unpack(t, i + 1, i + m)) end)
  return table.concat(parts)
end
-- Without holding whole vectors as tables: a + b (alpha nil), or a + α(b − a).
local function combine(as, bs, alpha)
  local parts = {}
  chunks(#as / 8, function(format, m, pos)
    local a = {struct.unpack(format, as, pos)}
    local b = {struct.unpack(format, bs, pos)}
    if alpha then
      for k = 1, m do a[k] = a[k] + alpha * (b[k] - a[k]) end
    else
      for k = 1, m do a[k] = a[k] + b[k] end
    end
    parts[#parts + 1] = struct.pack(format, unpack(a, 1, m))
  end)
  return table.concat(parts)
end
`;

const again = `
-- The reply to an exchange applied already (resent after a dropped connection): the state as it is.
local function again(w, meta, r, main)
  return {w, number(meta, 'version'), main and number(meta, 'grant:' .. r) or 0}
end
`;

/** KEYS: w, meta. ARGV: replica, seq, steps pushed, version pulled, main (1/0), steps wanted, displacement (empty: nothing to push). → {x̃ after, version, grant}. */
export const downpourExchange = `${common}${codec}${again}
local w, meta, r, seq, main = redis.call('GET', KEYS[1]), KEYS[2], ARGV[1], tonumber(ARGV[2]), ARGV[5] == '1'
if not w then return redis.error_reply('LOST parameter server state') end
if seq <= number(meta, 'seq:' .. r) then return again(w, meta, r, main) end
if #ARGV[7] > 0 then
  w = combine(w, ARGV[7])
  redis.call('SET', KEYS[1], w, 'KEEPTTL')
  if main then account(meta, r, tonumber(ARGV[4]), tonumber(ARGV[3])) end
  redis.call('HINCRBY', meta, 'version', 1)
end
redis.call('HSET', meta, 'seq:' .. r, seq)
local grant = 0
if main then grant = claim(meta, r, tonumber(ARGV[6])) end
return {w, number(meta, 'version'), grant}
`;

/** KEYS: w, meta. ARGV: replica, seq, steps since the last exchange, α, main (1/0), steps wanted, x_i. → {x̃ before, version, grant}. */
export const elasticExchange = `${common}${codec}${again}
local w, meta, r, seq, main = redis.call('GET', KEYS[1]), KEYS[2], ARGV[1], tonumber(ARGV[2]), ARGV[5] == '1'
if not w then return redis.error_reply('LOST parameter server state') end
if seq <= number(meta, 'seq:' .. r) then return again(w, meta, r, main) end
redis.call('SET', KEYS[1], combine(w, ARGV[7], tonumber(ARGV[4])), 'KEEPTTL')
local grant = 0
if main then
  account(meta, r, number(meta, 'last:' .. r), tonumber(ARGV[3]))
  redis.call('HSET', meta, 'last:' .. r, number(meta, 'version') + 1)
end
redis.call('HINCRBY', meta, 'version', 1)
redis.call('HSET', meta, 'seq:' .. r, seq)
if main then grant = claim(meta, r, tonumber(ARGV[6])) end
return {w, number(meta, 'version'), grant}
`;

/** KEYS: w, ḡ, meta. ARGV: replica, main (1/0), steps wanted (1, or -1 resuming). → {w, ḡ, version, grant}: the read of one AdaptiveRevision step (main: it claims the step). */
export const revisionRead = `${common}
local w = redis.call('GET', KEYS[1])
local g = redis.call('GET', KEYS[2])
if not w or not g then return redis.error_reply('LOST parameter server state') end
local meta, r = KEYS[3], ARGV[1]
local grant = 0
if ARGV[2] == '1' then grant = claim(meta, r, tonumber(ARGV[3])) end
return {w, g, number(meta, 'version'), grant}
`;

/**
 * KEYS: w, ḡ, z, z′, meta. ARGV: replica, seq, version read, α, β, main (1/0), g, ḡ as read. → version.
 * McMahan & Streeter's AdaptiveRevision update, per coordinate (see core/parallel/adaptive-revision.ts).
 */
export const revisionApply = `${common}${codec}
local w = redis.call('GET', KEYS[1])
local gs = redis.call('GET', KEYS[2])
local zs = redis.call('GET', KEYS[3])
local zm = redis.call('GET', KEYS[4])
if not w or not gs or not zs or not zm then return redis.error_reply('LOST parameter server state') end
local meta, r, seq, main = KEYS[5], ARGV[1], tonumber(ARGV[2]), ARGV[6] == '1'
if seq <= number(meta, 'seq:' .. r) then return number(meta, 'version') end
local alpha, beta = tonumber(ARGV[4]), tonumber(ARGV[5])
w, gs, zs, zm = decode(w), decode(gs), decode(zs), decode(zm)
local g, old = decode(ARGV[7]), decode(ARGV[8])
for j = 1, #w do
  local gj = g[j]
  local backlog = gs[j] - old[j]
  local rateBefore = alpha / (beta + math.sqrt(zm[j]))
  local z = zs[j] + gj * gj + 2 * gj * backlog
  zs[j] = z
  local zmax = zm[j]
  if z > zmax then zmax = z end
  zm[j] = zmax
  local root = beta + math.sqrt(zmax)
  w[j] = w[j] - (alpha * gj) / root + (rateBefore - alpha / root) * backlog
  gs[j] = gs[j] + gj
end
redis.call('SET', KEYS[1], encode(w), 'KEEPTTL')
redis.call('SET', KEYS[2], encode(gs), 'KEEPTTL')
redis.call('SET', KEYS[3], encode(zs), 'KEEPTTL')
redis.call('SET', KEYS[4], encode(zm), 'KEEPTTL')
if main then
  account(meta, r, tonumber(ARGV[3]), 1)
  redis.call('HSET', meta, 'grant:' .. r, 0)
end
redis.call('HINCRBY', meta, 'version', 1)
redis.call('HSET', meta, 'seq:' .. r, seq)
return number(meta, 'version')
`;

const millis = `
-- Redis's clock in milliseconds, as a string (the same for every worker, whatever its own clock says).
local function millis()
  local now = redis.call('TIME')
  return now[1] .. string.format('%03d', math.floor(tonumber(now[2]) / 1000))
end
`;

/** KEYS: meta. → Redis's clock in milliseconds, on the main shard's node. */
export const now = `${millis}
return millis()
`;

/**
 * KEYS: meta. ARGV: replica, worker. Records the worker running the replica, and when the first
 * replica to register began; LOST when the server is gone (a key written then would have no time to live).
 */
export const register = `${millis}
if redis.call('HEXISTS', KEYS[1], 'version') == 0 then return redis.error_reply('LOST parameter server state') end
redis.call('HSET', KEYS[1], 'worker:' .. ARGV[1], ARGV[2])
redis.call('HSETNX', KEYS[1], 'began', millis())
`;

/**
 * KEYS: meta. ARGV: field/value pairs (a replica's finished:i and distance:i; what the coordinator
 * counted of a replica). Sets them, an empty value removing its field; LOST when the server is gone.
 */
export const setFields = `
if redis.call('HEXISTS', KEYS[1], 'version') == 0 then return redis.error_reply('LOST parameter server state') end
for i = 1, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
`;

/** KEYS: the shard's vectors (w first), then meta. ARGV: replace (1/0), a new epoch, then the vectors, then meta field/value pairs. → 1 when written. */
export const initialize = `
local vectors = #KEYS - 1
local meta = KEYS[#KEYS]
if ARGV[1] ~= '1' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', meta)
for k = 1, vectors do redis.call('SET', KEYS[k], ARGV[2 + k]) end
if #ARGV > vectors + 2 then redis.call('HSET', meta, unpack(ARGV, vectors + 3)) end
redis.call('HSET', meta, 'epoch', ARGV[2])
return 1
`;

/** KEYS: the shard's vectors, then meta. → {vectors…, meta as a flat list}, or LOST. */
export const snapshot = `
local out = {}
for k = 1, #KEYS - 1 do
  local value = redis.call('GET', KEYS[k])
  if not value then return redis.error_reply('LOST parameter server state') end
  out[k] = value
end
out[#KEYS] = redis.call('HGETALL', KEYS[#KEYS])
return out
`;
