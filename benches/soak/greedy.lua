-- The soak's one greedy client: a single address POSTing /api/v1/diagnose about 50 times a
-- second, far over the per-client limit (30 at once, then 30 a minute). Its 429s are the
-- intended ones; run.sh checks that it got them and that no more than the limit got through.
-- Usage: wrk -t1 -c1 -s benches/soak/greedy.lua URL -- PREPARED_DIR

dofile("benches/soak/report.lua")
soak_name = "greedy"

local req

function init(args)
  local profile = io.lines(args[1] .. "/profiles.jsonl")()
  req = wrk.format("POST", "/api/v1/diagnose?limit=5", {
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = "203.0.113.7",
  }, profile)
end

function delay()
  return 20
end

function request()
  return req
end
