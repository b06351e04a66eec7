-- wrk script: cycles through "host path" lines of a file (wrk ... -s spread.lua -- FILE), so the load hits
-- routes spread over the whole table; prints report.lua's JSON line.
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

-- The JSON report is report.lua's, loaded from this script's folder.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
