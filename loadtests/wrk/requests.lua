-- The benchmark's wrk script (loadtests/bench.py writes its inputs and reads its last line).
--
--   wrk -t T -c C -d 5s --latency -s loadtests/wrk/requests.lua URL -- TEMPLATES TAG C T [EXPECT]
--
-- TEMPLATES: one request template per line, tab-separated: METHOD, PATH, BODY ("-" for none), then
--   any number of "Name: value" headers. "{KEY}" anywhere in the body or a header is replaced by a
--   key unique to the request: TAG-<thread>-<counter> (an Idempotency-Key / X-Request-ID).
-- Users: wrk gives each of its T threads C/T connections. Thread i uses templates
--   [i*C/T, (i+1)*C/T) (mod the number of lines), cycling through them in request(). With T = C each
--   thread has one connection and one template: one user per connection, fixed for the whole run.
--   With one template line every connection sends the same request (the reads: one user). With
--   more lines than connections, line j belongs to connection j % C (several users per connection,
--   still none shared between connections).
-- EXPECT (optional): a substring every 2xx body must contain, else the response counts as failed
--   (T-Wallet answers HTTP 200 with "code": 601 in the body for a refused send).
-- done() prints one line "WRK_JSON {...}": requests, duration, status counts, socket errors,
--   body failures and latency percentiles in microseconds, summed over the threads.

local threads = {}

function setup(thread)
   thread:set("slot", #threads)
   table.insert(threads, thread)
end

local function split(line, sep)
   local out = {}
   for field in (line .. sep):gmatch("(.-)" .. sep) do
      table.insert(out, field)
   end
   return out
end

local templates = {}
local tag, per_thread, first, expect, mine
local counter = 0
statuses = {}
bad_body = 0

function init(args)
   local path = args[1]
   tag = args[2]
   local connections, nthreads = tonumber(args[3]), tonumber(args[4])
   expect = args[5]
   if expect == "" then expect = nil end
   for line in io.lines(path) do
      if line ~= "" then
         local f = split(line, "\t")
         local t = { method = f[1], path = f[2], headers = {} }
         if f[3] ~= "-" then t.body = f[3] end
         for i = 4, #f do
            local name, value = f[i]:match("^([^:]+):%s*(.*)$")
            if name then t.headers[name] = value end
         end
         t.keyed = (t.body and t.body:find("{KEY}", 1, true)) ~= nil
         for _, v in pairs(t.headers) do
            if v:find("{KEY}", 1, true) then t.keyed = true end
         end
         if not t.keyed then t.static = wrk.format(t.method, t.path, t.headers, t.body) end
         table.insert(templates, t)
      end
   end
   per_thread = math.max(1, math.floor(connections / nthreads))
   first = slot * per_thread
   mine = {}
   if #templates > connections then
      -- More lines than connections: line j belongs to connection j % C, so each connection cycles
      -- through its own users and no two connections share one.
      for j = 0, #templates - 1 do
         if math.floor((j % connections) / per_thread) == slot then table.insert(mine, templates[j + 1]) end
      end
   else
      for k = 0, per_thread - 1 do table.insert(mine, templates[(first + k) % #templates + 1]) end
   end
end

function request()
   local t = mine[counter % #mine + 1]
   counter = counter + 1
   if t.static then return t.static end
   local key = tag .. "-" .. slot .. "-" .. counter
   local headers = {}
   for name, value in pairs(t.headers) do
      headers[name] = (value:gsub("{KEY}", key))
   end
   local body = t.body and (t.body:gsub("{KEY}", key))
   return wrk.format(t.method, t.path, headers, body)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if expect and status < 300 and not (body and body:find(expect, 1, true)) then
      bad_body = bad_body + 1
   end
end

function done(summary, latency, requests)
   local counts, bad = {}, 0
   for _, thread in ipairs(threads) do
      local s = thread:get("statuses")
      if s then
         for code, n in pairs(s) do counts[code] = (counts[code] or 0) + n end
      end
      bad = bad + (thread:get("bad_body") or 0)
   end
   local parts = {}
   for code, n in pairs(counts) do table.insert(parts, string.format('"%d": %d', code, n)) end
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests": %d, "duration_us": %d, "statuses": {%s}, "bad_body": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
      '"latency_us": {"p50": %.1f, "p90": %.1f, "p99": %.1f, "max": %.1f, "mean": %.1f}}\n',
      summary.requests, summary.duration, table.concat(parts, ", "), bad,
      e.connect, e.read, e.write, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
