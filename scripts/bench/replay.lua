-- wrk script: replays the URL paths of one list (argument 1), each thread
-- from its own offset, and writes the run's figures as JSON to $BENCH_RESULT.
-- Argument 2 "warmup" starts the threads in the second half of the list, so
-- the measured run (first half) never replays what the warm-up just asked:
-- only what the mix itself repeats (its popular searches) can come from a cache.
-- Anything but 200 counts as an error (a redirect or 404 means the mix is
-- stale or the page is broken; neither is a fair measurement).

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  bad = 0
  statuses = ""
  local base = 0
  if args[2] == "warmup" then base = math.floor(#paths / 2) end
  counter = (base + id * math.floor(#paths / 4)) % #paths + 1
end

function request()
  local path = paths[counter]
  counter = counter % #paths + 1
  return wrk.format("GET", path, { ["Accept-Language"] = "de", ["Accept-Encoding"] = "gzip" })
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end

function done(summary, latency, requests)
  local non200, seen = 0, ""
  for _, thread in ipairs(threads) do
    non200 = non200 + thread:get("bad")
    seen = seen .. thread:get("statuses")
  end
  local e = summary.errors
  local out = io.open(os.getenv("BENCH_RESULT"), "w")
  out:write(string.format(
    '{"requests": %d, "duration_s": %.3f, "rps": %.1f, "p50_ms": %.1f, "p95_ms": %.1f, ' ..
    '"p99_ms": %.1f, "max_ms": %.1f, "mean_ms": %.1f, "non_200": %d, "socket_errors": %d, ' ..
    '"bytes": %d, "statuses": "%s"}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000, non200,
    e.connect + e.read + e.write + e.timeout, summary.bytes, seen))
  out:close()
end
