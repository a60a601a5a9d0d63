-- wrk script: each request schedules a new 30-minute meeting one hour after the previous one
-- of its thread (threads 100,000 hours apart), so the host-overlap rule never refuses it and
-- every request is a real insert.
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_index", threads)
end

function init(args)
  counter = 0
  offset = tonumber(thread_index) or 0
end

function request()
  counter = counter + 1
  local start = 1893456000 + (offset * 100000 + counter) * 3600
  local body = string.format('{"title":"bench %d","start":"%s","durationMinutes":30}',
    counter, os.date("!%Y-%m-%dT%H:%M:%SZ", start))
  return wrk.format("POST", "/api/v1/meetings", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("PARLEY_TOKEN")}, body)
end
