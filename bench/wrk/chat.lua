-- wrk script of the chat-sessions benchmark (bench/run.sh drives it; see docs/BENCHMARKS.md).
--
--   wrk -t2 -c64 -d15s -s bench/wrk/chat.lua http://127.0.0.1:PORT -- OP SESSIONS USERS BODIES [RATE_PER_THREAD [READ_QUERY]]
--
-- OP        append | batch | read | list | mix (60% read, 20% list, 20% append)
--           | stream (stream an answer: create in_progress, 5 PATCHes of the growing content, 1 PATCH completing it)
--           | feedback (PUT .../messages/{id}/feedback on a loaded, completed assistant message)
-- SESSIONS  file of "<session uuid> <user id>" lines: the sessions to pick from, uniformly at random
-- USERS     file of "<user id> <pre-signed JWT>" lines: list picks a user from here; every session's owner is here,
--           and a request on a session always carries its owner's token (a user only ever touches their own sessions)
-- BODIES    directory holding the request bodies (append_one.json, append_batch.json, stream_*.json, feedback.json) and
--           feedback_targets.txt ("<session uuid> <message uuid> <user id>": the assistant messages feedback is given on)
-- RATE_PER_THREAD  optional: pace this thread to that many requests per second (open-loop schedule through delay());
--           0 or absent = as fast as the connections go (closed loop)
-- READ_QUERY optional: appended to the read path, e.g. "?limit=10" (empty or absent: the service's default page of 50)
--
-- done() prints one "BENCH_WRK key=value ..." line that bench/src/Wrk.java parses (latencies in microseconds); the
-- stream operation adds its per-answer figures to it (answers completed, and the percentiles of an answer's time: the
-- sum of its 7 requests' latencies, as pgbench's transaction of 7 statements is timed).

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
local threads = {}
function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_no", thread_count)
  threads[#threads + 1] = thread
end

local function read_file(path)
  local f = assert(io.open(path, "rb"), "cannot open " .. path)
  local data = f:read("*a")
  f:close()
  return data
end

local op, body_one, body_batch
local session_ids, session_uuid, session_auth, user_auth = {}, {}, {}, {}
local read_query = ""
local interval_ms, next_at
local json = "application/json"

function init(args)
  op = args[1]
  bench_op = op -- a global, so that done() (run in wrk's main Lua state, where init() never ran) can read it
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
      session_uuid[#session_uuid + 1] = id
      session_auth[#session_auth + 1] = auth
    end
  end
  body_one = read_file(bodies .. "/append_one.json")
  body_batch = read_file(bodies .. "/append_batch.json")
  if op == "stream" then
    stream_init(bodies)
  else
    response = nil -- wrk reads response bodies into Lua only when a response() exists; the other operations need none
  end
  if op == "feedback" then
    feedback_init(bodies, tokens)
  end
  if rate > 0 then
    interval_ms = 1000 / rate
  else
    delay = nil -- wrk checks for a delay() after init(): unpaced runs then skip the timer on every request
  end
  math.randomseed(os.time() * 1000 + (thread_no or 0) * 7919)
  for _ = 1, 10 do math.random() end
end


-- Stream an answer. The connections of a thread share this Lua state, so the thread keeps its answers: `ready` holds
-- those whose next request may go out (each answer has at most one request in flight, so its PATCHes arrive in order
-- and the completion comes last), `creating` the creates not yet answered (by session id), `patching` the answers with
-- a PATCH in flight (by message id). A connection takes a ready answer's next step, else creates a new answer; every
-- answer thus takes 1 create + 5 PATCHes + 1 completion. Responses carry the message's id and session_id first, which
-- is how a response finds its answer (response() is not told which connection or request it belongs to).
local stream_create, stream_patches, stream_complete
local ready, creating, patching = {}, {}, {}
local merge_patch = "application/merge-patch+json"
answers_done, answer_us, stream_requests_by_step = 0, {}, {0, 0, 0, 0, 0, 0, 0}

function stream_init(bodies)
  stream_create = read_file(bodies .. "/stream_create.json")
  stream_patches = {}
  for k = 1, 5 do
    stream_patches[k] = read_file(bodies .. "/stream_patch_" .. k .. ".json")
  end
  stream_complete = read_file(bodies .. "/stream_complete.json")
end

local function stream_request()
  local answer = table.remove(ready, 1)
  local now = now_ms()
  if answer then
    answer.step = answer.step + 1
    answer.sent = now
    patching[answer.id] = answer
    local body = answer.step <= 5 and stream_patches[answer.step] or stream_complete
    return wrk.format("PATCH", answer.path .. "/" .. answer.id,
      { ["Authorization"] = answer.auth, ["Content-Type"] = merge_patch }, body)
  end
  local i = math.random(#session_ids)
  local session = session_uuid[i]
  local waiting = creating[session]
  if not waiting then
    waiting = {}
    creating[session] = waiting
  end
  waiting[#waiting + 1] = { path = session_ids[i], auth = session_auth[i], step = 0, sent = now, spent = 0 }
  return wrk.format("POST", session_ids[i], { ["Authorization"] = session_auth[i], ["Content-Type"] = json }, stream_create)
end

function response(status, headers, body)
  local now = now_ms()
  local id, session = string.match(body, '^{"id":"([^"]+)","session_id":"([^"]+)"')
  if status >= 300 or not id then
    return -- counted by wrk as an error (status); the answer it belonged to is dropped
  end
  local answer = patching[id]
  if answer then
    patching[id] = nil
  else
    local waiting = creating[session]
    answer = waiting and table.remove(waiting, 1)
    if not answer then
      return
    end
    answer.id = id
  end
  answer.spent = answer.spent + (now - answer.sent)
  stream_requests_by_step[answer.step + 1] = stream_requests_by_step[answer.step + 1] + 1
  if answer.step == 6 then
    answers_done = answers_done + 1
    answer_us[#answer_us + 1] = math.floor(answer.spent * 1000)
  else
    ready[#ready + 1] = answer
  end
end

-- Give feedback: a loaded assistant message (completed) of a random session, with its owner's token.
local feedback_paths, feedback_auth, feedback_body = {}, {}, nil

function feedback_init(bodies, tokens)
  for line in io.lines(bodies .. "/feedback_targets.txt") do
    local session, message, user = string.match(line, "^(%S+) (%S+) (%S+)$")
    if session then
      feedback_paths[#feedback_paths + 1] = "/api/v1/sessions/" .. session .. "/messages/" .. message .. "/feedback"
      feedback_auth[#feedback_auth + 1] = assert(tokens[user], "no token for " .. user)
    end
  end
  assert(#feedback_paths > 0, "no feedback targets")
  feedback_body = read_file(bodies .. "/feedback.json")
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
  elseif kind == "stream" then
    return stream_request()
  elseif kind == "feedback" then
    local f = math.random(#feedback_paths)
    return wrk.format("PUT", feedback_paths[f], { ["Authorization"] = feedback_auth[f], ["Content-Type"] = json }, feedback_body)
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

local function percentile(sorted, p)
  if #sorted == 0 then
    return 0
  end
  local rank = math.ceil(p / 100 * #sorted)
  return sorted[math.max(1, math.min(#sorted, rank))]
end

function done(summary, latency, requests)
  local e = summary.errors
  local answers = ""
  if threads[1] and threads[1]:get("bench_op") == "stream" then
    local all, done_count, steps = {}, 0, {0, 0, 0, 0, 0, 0, 0}
    for _, t in ipairs(threads) do
      done_count = done_count + (t:get("answers_done") or 0)
      for _, v in ipairs(t:get("answer_us") or {}) do
        all[#all + 1] = v
      end
      for k, v in ipairs(t:get("stream_requests_by_step") or {}) do
        steps[k] = steps[k] + v
      end
    end
    table.sort(all)
    answers = string.format(" answers=%d answer_p50_us=%d answer_p99_us=%d answer_max_us=%d creates=%d patches=%d completes=%d",
      done_count, percentile(all, 50), percentile(all, 99), all[#all] or 0,
      steps[1], steps[2] + steps[3] + steps[4] + steps[5] + steps[6], steps[7])
  end
  io.write(string.format(
    "BENCH_WRK requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d " ..
    "p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%d%s\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean, answers))
end
