-- wrk script of the chat-sessions benchmark (bench/run.sh drives it; see docs/BENCHMARKS.md).
--
--   wrk -t2 -c64 -d15s -s bench/wrk/chat.lua http://127.0.0.1:PORT -- OP SESSIONS USERS BODIES [RATE_PER_THREAD [READ_QUERY]]
--
-- OP        append | batch | read | list | mix (60% read, 20% list, 20% append)
-- SESSIONS  file of "<session uuid> <user id>" lines: the sessions to pick from, uniformly at random
-- USERS     file of "<user id> <pre-signed JWT>" lines: list picks a user from here; every session's owner is here,
--           and a request on a session always carries its owner's token (a user only ever touches their own sessions)
-- BODIES    directory holding append_one.json and append_batch.json (the request bodies)
-- RATE_PER_THREAD  optional: pace this thread to that many requests per second (open-loop schedule through delay());
--           0 or absent = as fast as the connections go (closed loop)
-- READ_QUERY optional: appended to the read path, e.g. "?limit=10" (empty or absent: the service's default page of 50)
--
-- done() prints one "BENCH_WRK key=value ..." line that bench/src/Wrk.java parses (latencies in microseconds).

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_no", thread_count)
end

local function read_file(path)
  local f = assert(io.open(path, "rb"), "cannot open " .. path)
  local data = f:read("*a")
  f:close()
  return data
end

local op, body_one, body_batch
local session_ids, session_auth, user_auth = {}, {}, {}
local read_query = ""
local interval_ms, next_at
local json = "application/json"

function init(args)
  op = args[1]
  local sessions_file, users_file, bodies = args[2], args[3], args[4]
  local rate = tonumber(args[5] or "0") or 0
  read_query = args[6] or ""
  local tokens = {}
  local find, sub = string.find, string.sub
  for line in io.lines(users_file) do
    local space = find(line, " ", 1, true)
    if space then
      local user = sub(line, 1, space - 1)
      tokens[user] = "Bearer " .. sub(line, space + 1)
      user_auth[#user_auth + 1] = tokens[user]
    end
  end
  for line in io.lines(sessions_file) do
    local space = find(line, " ", 1, true)
    if space then
      local id, user = sub(line, 1, space - 1), sub(line, space + 1)
      local auth = tokens[user]
      assert(auth, "no token for " .. user .. ", the owner of session " .. id)
      session_ids[#session_ids + 1] = "/api/v1/sessions/" .. id .. "/messages"
      session_auth[#session_auth + 1] = auth
    end
  end
  body_one = read_file(bodies .. "/append_one.json")
  body_batch = read_file(bodies .. "/append_batch.json")
  if rate > 0 then
    interval_ms = 1000 / rate
  else
    delay = nil -- wrk checks for a delay() after init(): unpaced runs then skip the timer on every request
  end
  math.randomseed(os.time() * 1000 + (thread_no or 0) * 7919)
  for _ = 1, 10 do math.random() end
end

local function pick(kind)
  if kind == "list" then
    return wrk.format("GET", "/api/v1/sessions", { ["Authorization"] = user_auth[math.random(#user_auth)] })
  end
  local i = math.random(#session_ids)
  if kind == "read" then
    return wrk.format("GET", session_ids[i] .. read_query, { ["Authorization"] = session_auth[i] })
  elseif kind == "append" then
    return wrk.format("POST", session_ids[i], { ["Authorization"] = session_auth[i], ["Content-Type"] = json }, body_one)
  elseif kind == "batch" then
    return wrk.format("POST", session_ids[i] .. ":batch", { ["Authorization"] = session_auth[i], ["Content-Type"] = json }, body_batch)
  end
  error("unknown operation " .. tostring(kind))
end

function request()
  if op == "mix" then
    local r = math.random(100)
    if r <= 60 then
      return pick("read")
    elseif r <= 80 then
      return pick("list")
    end
    return pick("append")
  end
  return pick(op)
end

-- Open-loop pacing: each request of this thread takes the next slot of a fixed schedule; wrk measures latency from
-- the moment the request is written, after the delay (so a late schedule shows as lower throughput, not latency).
function delay()
  local now = now_ms()
  if not next_at or next_at < now - 1000 then
    next_at = now
  end
  next_at = next_at + interval_ms
  local wait = next_at - now
  if wait < 1 then
    return 0
  end
  return wait
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_WRK requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d " ..
    "p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%d\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
