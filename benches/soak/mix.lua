-- The soak's mixed traffic: what the public site gets in a day, in proportion. Every request
-- comes from one of CLIENTS visitor addresses (X-Forwarded-For; the server trusts loopback
-- as its proxy), so that the per-client diagnosis limit sees many ordinary visitors, none
-- over its limit. Wizard requests carry the cookie and CSRF token of one of the visitor
-- sessions prepare.py started.
-- Usage: wrk -s benches/soak/mix.lua URL -- PREPARED_DIR CLIENTS

dofile("benches/soak/report.lua")
soak_name = "mix"

local programs, queries, sessions, profiles = {}, {}, {}, {}
local clients = 8000

local function lines(path)
  local out = {}
  for line in io.lines(path) do
    if line:match("%S") then
      out[#out + 1] = line
    end
  end
  if #out == 0 then
    error("nothing in " .. path)
  end
  return out
end

local function pick(list)
  return list[math.random(#list)]
end

local function urlencode(text)
  return (text:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

-- The same formula as prepare.py's.
local function client_address(i)
  return string.format("10.%d.%d.%d", math.floor(i / 65536) % 256, math.floor(i / 256) % 256, i % 256)
end

function init(args)
  local dir = args[1]
  clients = tonumber(args[2] or "8000")
  programs = lines(dir .. "/programs.txt")
  queries = lines(dir .. "/queries.txt")
  profiles = lines(dir .. "/profiles.jsonl")
  for _, line in ipairs(lines(dir .. "/sessions.tsv")) do
    local cookie, csrf = line:match("^([^\t]+)\t([^\t]+)$")
    sessions[#sessions + 1] = { cookie = cookie, csrf = csrf }
  end
  math.randomseed(7919 * (id or 1))
end

-- Answers a visitor may give on any step; each is one the wizard accepts.
local answers = {
  { "municipality", "日置市" }, { "municipality", "墨田区" }, { "municipality", "金沢市" },
  { "employees", "12" }, { "employees", "3" }, { "employees", "120" },
  { "capital", "1000万円" }, { "capital", "3億円" },
  { "org_form", "stock_company" }, { "org_form", "sole_proprietor" },
  { "industry", "E" }, { "industry", "M" },
  { "tax_arrears", "no" }, { "employment_insurance", "yes" },
}

local search_filters = { "", "&status=all", "&kind=subsidy", "&level=municipal", "&page=2" }
local pages = { "/", "/programs", "/programs/closing-soon", "/programs/new" }
local feeds = { "/feeds/programs.atom", "/feeds/deadlines.ics", "/feeds/programs.atom?level=national" }

local function get(path, headers)
  return wrk.format("GET", path, headers)
end

-- One request; the share of each kind is its range out of 100.
function request()
  local headers = { ["X-Forwarded-For"] = client_address(math.random(clients)) }
  local r = math.random(100)
  if r <= 14 then
    count_sent("search")
    return get("/programs?q=" .. pick(queries) .. pick(search_filters), headers)
  elseif r <= 22 then
    count_sent("listing")
    return get(pick(pages), headers)
  elseif r <= 42 then
    count_sent("program")
    return get("/programs/" .. pick(programs), headers)
  elseif r <= 50 then
    count_sent("api_search")
    return get("/api/v1/programs?q=" .. pick(queries), headers)
  elseif r <= 64 then
    count_sent("api_diagnose")
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/v1/diagnose?limit=20", headers, pick(profiles))
  elseif r <= 70 then
    count_sent("feed")
    return get(pick(feeds), headers)
  elseif r <= 72 then
    count_sent("api_misc")
    return get(r == 71 and "/api/v1/fields" or "/api/openapi.json", headers)
  elseif r <= 74 then
    -- A new visitor: a session is started.
    count_sent("wizard_new")
    return get("/diagnosis", headers)
  end
  local session = pick(sessions)
  headers["Cookie"] = session.cookie
  if r <= 83 then
    count_sent("wizard_step")
    return get("/diagnosis", headers)
  elseif r <= 92 then
    count_sent("wizard_answer")
    local answer = pick(answers)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    local body = "_csrf=" .. session.csrf .. "&field=" .. answer[1] .. "&step=2&action=next&value="
      .. urlencode(answer[2])
    return wrk.format("POST", "/diagnosis/answer", headers, body)
  elseif r <= 98 then
    count_sent("wizard_results")
    return get("/diagnosis/results", headers)
  end
  count_sent("wizard_calendar")
  return get("/diagnosis/results.ics", headers)
end
