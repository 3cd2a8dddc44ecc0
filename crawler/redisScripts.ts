// The Lua scripts of a shared crawl (crawler/redisFrontier.ts): each state transition is one script, so it
// is atomic on the Redis server whatever the other workers do. Times are the server's (TIME), so the
// workers' clocks never matter. Key layout (P = `cf:{CRAWL_ID}:`, one hash slot):
//   P meta (hash: perhost, delay, scope, seenbits)    P seeds (set of seed URLs, the scope)
//   P s:BUCKET (set of integers: the seen-set, 64-bit URL fingerprints split into bucket and value)
//   P q:ORIGIN (list of queued entries `id \t depth \t p|s \t attempt \t url [\t redirect chain]`)
//   P h:ORIGIN (hash: inflight, next, delay, robots '' | loading | ready | closed:REASON, rtries, takes)
//   P sched (zset: origins that may dispatch, by the time they may)   P delayed (zset: retries by time)
//   P L (hash: lease id -> `owner \t origin \t charged \t entry`)   P leases (zset: lease id by expiry)
//   P own:WORKER (set of its lease ids)   P unconf:WORKER (hash: id -> `origin \t entry`, finished but
//   not yet in the worker's journal)   P robots:ORIGIN (string: robots.txt verdict)   P workers (hash:
//   worker -> its claim's end: last heartbeat + lease)   P ids, P pending, P pages, P done (counters)

/** Shared by every script: ARGV[1] is the key prefix, ARGV[2] the per-origin concurrency. */
const PRELUDE = `
local P = ARGV[1]
local PER_HOST = tonumber(ARGV[2])
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- An origin is in sched iff it has queued entries, a free slot and no robots.txt fetch in flight. An origin
-- with a delay gets one request at a time: the delay then runs from the end of one request to the start of
-- the next at the server, whatever the lag between a worker's dispatch and its request's arrival.
local function resched(o)
  local h = P .. 'h:' .. o
  local f = redis.call('HMGET', h, 'inflight', 'robots', 'next', 'delay')
  local limit = PER_HOST
  if tonumber(f[4] or '0') > 0 then limit = 1 end
  if tonumber(f[1] or '0') >= limit or f[2] == 'loading' or redis.call('LLEN', P .. 'q:' .. o) == 0 then
    redis.call('ZREM', P .. 'sched', o)
  else
    redis.call('ZADD', P .. 'sched', tonumber(f[3] or '0'), o)
  end
end
local function lease(id, o, charged, e, owner, expiry)
  redis.call('HSET', P .. 'L', id, owner .. '\\t' .. o .. '\\t' .. charged .. '\\t' .. e)
  redis.call('ZADD', P .. 'leases', expiry, id)
  redis.call('SADD', P .. 'own:' .. owner, id)
end
-- Removes a lease; returns its owner, origin, charged flag and entry (nil when there is none).
local function unlease(id)
  local v = redis.call('HGET', P .. 'L', id)
  if not v then return nil end
  local a = string.find(v, '\\t', 1, true)
  local b = string.find(v, '\\t', a + 1, true)
  local owner = string.sub(v, 1, a - 1)
  redis.call('HDEL', P .. 'L', id)
  redis.call('ZREM', P .. 'leases', id)
  redis.call('SREM', P .. 'own:' .. owner, id)
  return owner, string.sub(v, a + 1, b - 1), string.sub(v, b + 1, b + 1), string.sub(v, b + 3)
end
local function leaseOwner(id)
  local v = redis.call('HGET', P .. 'L', id)
  if not v then return nil end
  return string.sub(v, 1, string.find(v, '\\t', 1, true) - 1)
end
-- An expired or abandoned lease: the entry goes back to the front of its origin's queue.
local function reap(id)
  local owner, o, charged, e = unlease(id)
  if not owner then return end
  local h = P .. 'h:' .. o
  if charged == '1' then redis.call('HINCRBY', h, 'inflight', -1) end
  if string.sub(id, 1, 2) == 'r|' then redis.call('HSET', h, 'robots', '')
  else redis.call('LPUSH', P .. 'q:' .. o, e) end
  resched(o)
end
local function splitEntry(e)
  return string.match(e, '^([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t(.*)$')
end
`;

/** ARGV: P, perHost, then (bucket, value, origin, `depth \t kind \t 0 \t url [\t chain]`) per URL. Returns how many were new. */
export const ENQUEUE = PRELUDE + `
local added = 0
for i = 3, #ARGV, 4 do
  if redis.call('SADD', P .. 's:' .. ARGV[i], ARGV[i + 1]) == 1 then
    local id = redis.call('INCR', P .. 'ids')
    local o = ARGV[i + 2]
    if redis.call('RPUSH', P .. 'q:' .. o, id .. '\\t' .. ARGV[i + 3]) == 1 then resched(o) end
    added = added + 1
  end
end
if added > 0 then redis.call('INCRBY', P .. 'pending', added) end
return added`;

/**
 * ARGV: P, perHost, owner, leaseMs, max, maxPages, default delay. Reaps expired leases, moves due retries
 * back, then leases up to `max` entries of origins whose turn it is, charging each origin's slot and delay.
 * Returns {now, pending, wakeAt (-1: none), limited, works...}; a work is {'r', origin, robotsTries} (fetch
 * robots.txt), {'p', origin, entry, takes, previous next} or {'c', origin, entry, reason} (origin closed).
 */
export const TAKE = PRELUDE + `
local owner, leaseMs, max, maxPages, defDelay = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local now = nowMs()
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', now, 'LIMIT', 0, 100)) do reap(id) end
for _, v in ipairs(redis.call('ZRANGEBYSCORE', P .. 'delayed', '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', P .. 'delayed', v)
  local a = string.find(v, '\\t', 1, true)
  local o = string.sub(v, 1, a - 1)
  redis.call('LPUSH', P .. 'q:' .. o, string.sub(v, a + 1))
  resched(o)
end
local pages = tonumber(redis.call('GET', P .. 'pages') or '0')
local out = {}
-- Once the page budget is spent, pages already started (a retry, a reaped lease) must still be finished: they
-- sit at the head of their origin's queue, so an origin whose head is a new page is passed over (offset).
local offset = 0
while #out < max do
  local top = redis.call('ZRANGE', P .. 'sched', offset, offset, 'WITHSCORES')
  if #top == 0 or tonumber(top[2]) > now then break end
  local o = top[1]
  local h = P .. 'h:' .. o
  local f = redis.call('HMGET', h, 'robots', 'delay', 'next', 'rtries')
  local robots = f[1] or ''
  local delay = tonumber(f[2] or defDelay)
  if robots == '' and pages >= maxPages then
    offset = offset + 1
  elseif robots == '' then
    redis.call('HSET', h, 'robots', 'loading', 'next', now + delay)
    redis.call('HINCRBY', h, 'inflight', 1)
    lease('r|' .. o, o, '1', '', owner, now + leaseMs)
    out[#out + 1] = {'r', o, f[4] or '0'}
    resched(o)
  else
    local e = redis.call('LPOP', P .. 'q:' .. o)
    local id, depth, kind, attempt, rest = splitEntry(e)
    if kind == 'p' and attempt == '0' and pages >= maxPages then
      redis.call('LPUSH', P .. 'q:' .. o, e)
      offset = offset + 1
    else
      if attempt == '0' then
        if kind == 'p' then
          pages = redis.call('INCR', P .. 'pages')
          redis.call('INCR', P .. 'open')
        end
        e = id .. '\\t' .. depth .. '\\t' .. kind .. '\\t1\\t' .. rest
      end
      if string.sub(robots, 1, 7) == 'closed:' then
        lease(id, o, '0', e, owner, now + leaseMs)
        out[#out + 1] = {'c', o, e, string.sub(robots, 8)}
      else
        local takes = redis.call('HINCRBY', h, 'takes', 1)
        redis.call('HSET', h, 'next', now + delay)
        redis.call('HINCRBY', h, 'inflight', 1)
        lease(id, o, '1', e, owner, now + leaseMs)
        out[#out + 1] = {'p', o, e, tostring(takes), f[3] or '0'}
      end
      resched(o)
    end
  end
end
local wake = -1
for _, key in ipairs({'sched', 'delayed', 'leases'}) do
  local t = redis.call('ZRANGE', P .. key, 0, 0, 'WITHSCORES')
  if #t > 0 and (wake < 0 or tonumber(t[2]) < wake) then wake = tonumber(t[2]) end
end
-- Limited (the workers stop): the budget is spent and every page started has been finished.
local limited = 0
if pages >= maxPages and tonumber(redis.call('GET', P .. 'open') or '0') <= 0 then limited = 1 end
local res = {now, tonumber(redis.call('GET', P .. 'pending') or '0'), wake, limited}
for _, w in ipairs(out) do res[#res + 1] = w end
return res`;

/**
 * ARGV: P, perHost, owner, lease id, mode, takes, previous next, retry wait ms, origin wait ms, uncount,
 * default delay.
 * Ends a lease if `owner` still holds it (else returns 0: the lease expired and the entry went to another
 * worker, so this result must be dropped). Modes: done (finished: kept in unconf:owner until the worker's
 * journal has it), skip (finished without a request, robots.txt disallowed: the origin's delay is given
 * back if nothing was dispatched there since), retry (back after the wait, attempt + 1).
 */
export const COMPLETE = PRELUDE + `
local owner, id, mode = ARGV[3], ARGV[4], ARGV[5]
if leaseOwner(id) ~= owner then return 0 end
local _, o, charged, e = unlease(id)
local h = P .. 'h:' .. o
if charged == '1' then redis.call('HINCRBY', h, 'inflight', -1) end
if charged == '1' and mode ~= 'skip' then
  -- A delay also counts from the end of the request: the next one cannot reach the server sooner, whatever
  -- the scheduling lag between the workers' dispatch and their requests' arrival.
  local delay = tonumber(redis.call('HGET', h, 'delay') or ARGV[11])
  local untilMs = nowMs() + delay
  if delay > 0 and untilMs > tonumber(redis.call('HGET', h, 'next') or '0') then redis.call('HSET', h, 'next', untilMs) end
end
if mode == 'skip' then
  if redis.call('HGET', h, 'takes') == ARGV[6] then redis.call('HSET', h, 'next', ARGV[7]) end
end
if ARGV[10] == '1' then redis.call('DECR', P .. 'pages') end
if mode == 'retry' then
  local now = nowMs()
  local eid, depth, kind, attempt, rest = splitEntry(e)
  e = eid .. '\\t' .. depth .. '\\t' .. kind .. '\\t' .. (tonumber(attempt) + 1) .. '\\t' .. rest
  redis.call('ZADD', P .. 'delayed', now + tonumber(ARGV[8]), o .. '\\t' .. e)
  if ARGV[9] ~= '' then
    local untilMs = now + tonumber(ARGV[9])
    if untilMs > tonumber(redis.call('HGET', h, 'next') or '0') then redis.call('HSET', h, 'next', untilMs) end
  end
else
  redis.call('DECR', P .. 'pending')
  redis.call('INCR', P .. 'done')
  if select(3, splitEntry(e)) == 'p' then redis.call('DECR', P .. 'open') end
  redis.call('HSET', P .. 'unconf:' .. owner, id, o .. '\\t' .. e)
end
resched(o)
return 1`;

/**
 * ARGV: P, perHost, owner, origin, outcome (ready | closed | retry), verdict (ready: the cached robots.txt;
 * closed: the reason), delay ms (ready), retry wait ms (retry). Ends the robots.txt lease of the origin.
 */
export const ROBOTS_DONE = PRELUDE + `
local owner, o, outcome = ARGV[3], ARGV[4], ARGV[5]
local id = 'r|' .. o
if leaseOwner(id) ~= owner then return 0 end
unlease(id)
local h = P .. 'h:' .. o
redis.call('HINCRBY', h, 'inflight', -1)
if outcome == 'ready' then
  redis.call('SET', P .. 'robots:' .. o, ARGV[6])
  redis.call('HSET', h, 'robots', 'ready', 'delay', ARGV[7])
  -- A Crawl-delay counts from the robots.txt request too (its start was charged the default delay only).
  local untilMs = nowMs() + tonumber(ARGV[7])
  if untilMs > tonumber(redis.call('HGET', h, 'next') or '0') then redis.call('HSET', h, 'next', untilMs) end
elseif outcome == 'closed' then
  redis.call('HSET', h, 'robots', 'closed:' .. ARGV[6])
else
  redis.call('HSET', h, 'robots', '')
  redis.call('HINCRBY', h, 'rtries', 1)
  local untilMs = nowMs() + tonumber(ARGV[8])
  if untilMs > tonumber(redis.call('HGET', h, 'next') or '0') then redis.call('HSET', h, 'next', untilMs) end
end
resched(o)
return 1`;

/** ARGV: P, perHost, owner, leaseMs. Extends every lease the worker holds, and its name's claim, by leaseMs. */
export const HEARTBEAT = PRELUDE + `
local now = nowMs()
local ids = redis.call('SMEMBERS', P .. 'own:' .. ARGV[3])
for _, id in ipairs(ids) do redis.call('ZADD', P .. 'leases', 'XX', now + tonumber(ARGV[4]), id) end
redis.call('HSET', P .. 'workers', ARGV[3], now + tonumber(ARGV[4]))
return #ids`;

/**
 * ARGV: P, perHost, owner, leaseMs, delay, scope, seenBits, seeds... Joins the crawl as `owner`: refuses
 * ('busy', ms left) while the claim of a worker of that name runs (its last heartbeat + its lease); creates the crawl's settings if it is
 * the first; returns the leases of an earlier run of this worker to the frontier at once.
 * Returns {'ok', perhost, delay, scope, seenbits}.
 */
export const JOIN = PRELUDE + `
local owner, leaseMs = ARGV[3], tonumber(ARGV[4])
local now = nowMs()
local alive = redis.call('HGET', P .. 'workers', owner)
if alive and now < tonumber(alive) then return {'busy', tonumber(alive) - now} end
redis.call('HSETNX', P .. 'meta', 'perhost', ARGV[2])
redis.call('HSETNX', P .. 'meta', 'delay', ARGV[5])
redis.call('HSETNX', P .. 'meta', 'scope', ARGV[6])
redis.call('HSETNX', P .. 'meta', 'seenbits', ARGV[7])
for i = 8, #ARGV do redis.call('SADD', P .. 'seeds', ARGV[i]) end
for _, id in ipairs(redis.call('SMEMBERS', P .. 'own:' .. owner)) do reap(id) end
redis.call('HSET', P .. 'workers', owner, now + leaseMs)
local m = redis.call('HMGET', P .. 'meta', 'perhost', 'delay', 'scope', 'seenbits')
return {'ok', m[1], m[2], m[3], m[4]}`;

/**
 * ARGV: P, perHost, owner, then ids. Entries this worker finished whose journal line never made it to disk
 * (it was killed): they go back to the front of their origins' queues.
 */
export const REOPEN = PRELUDE + `
local n = 0
for i = 4, #ARGV do
  local v = redis.call('HGET', P .. 'unconf:' .. ARGV[3], ARGV[i])
  if v then
    redis.call('HDEL', P .. 'unconf:' .. ARGV[3], ARGV[i])
    local a = string.find(v, '\\t', 1, true)
    local o = string.sub(v, 1, a - 1)
    redis.call('LPUSH', P .. 'q:' .. o, string.sub(v, a + 1))
    redis.call('INCR', P .. 'pending')
    redis.call('DECR', P .. 'done')
    if select(3, splitEntry(string.sub(v, a + 1))) == 'p' then redis.call('INCR', P .. 'open') end
    resched(o)
    n = n + 1
  end
end
return n`;
