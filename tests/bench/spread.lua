-- wrk script: cycles through "host path" lines of a file (wrk ... -s spread.lua -- FILE), so the load hits
-- routes spread over the whole table; prints the same JSON line as report.lua.
local requests = {}
local next_request = 0

init = function(args)
  for line in io.lines(args[1]) do
    local host, path = line:match("^(%S+)%s+(%S+)$")
    requests[#requests + 1] = wrk.format("GET", path, { Host = host })
  end
end

request = function()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

done = function(summary, latency, requests_)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"errors":%d,"non2xx":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
