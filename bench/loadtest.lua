-- wrk script for `make loadtest`: cycles through a weighted list of requests read from a file
-- (one per line: METHOD<TAB>PATH<TAB>BODY), and counts GraphQL-level errors in 200 responses.
local requests = {}
local counter = 0
local graphql_errors = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
    if method then
      local headers = {}
      if body ~= "" then headers["Content-Type"] = "application/json" else body = nil end
      table.insert(requests, wrk.format(method, path, headers, body))
    end
  end
  file:close()
  -- Threads start at different places in the list so they do not move in lockstep.
  counter = math.random(#requests)
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end

function response(status, headers, body)
  if status == 200 and body and body:find('"errors":%s*%[%s*{%s*"message"') then
    graphql_errors = graphql_errors + 1
  end
end

function done(summary, latency, requests_done)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get("graphql_errors") or 0)
  end
  io.write(string.format("graphql_errors %d\n", total))
end
