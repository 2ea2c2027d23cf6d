-- wrk script: POSTs the business profiles in profiles.jsonl (one JSON object a line) in turn.
-- Each thread starts at a different profile, so both threads do not send the same one at once.
-- Usage: wrk -s benches/load/diagnose.lua URL -- PROFILES_FILE

local requests = {}
local next_index = 1

function init(args)
  local path = args[1] or "benches/load/profiles.jsonl"
  for line in io.lines(path) do
    if line:match("%S") then
      requests[#requests + 1] =
        wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, line)
    end
  end
  if #requests == 0 then
    error("no profiles in " .. path)
  end
  -- `id` is not set in init; a random start spreads the threads over the profiles.
  next_index = math.random(#requests)
end

function request()
  local req = requests[next_index]
  next_index = next_index % #requests + 1
  return req
end
