-- Shared by the soak's wrk scripts: counts the answers by status in every thread and, at the
-- end, prints one `SOAK <name> <key> <value>` line per figure for run.sh to read.
-- A script sets `soak_name` and may count its own kinds of request in `sent`.

local threads = {}
statuses = {}
sent = {}

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function count_sent(kind)
  sent[kind] = (sent[kind] or 0) + 1
end

local function add_all(into, from)
  for key, n in pairs(from or {}) do
    into[key] = (into[key] or 0) + n
  end
end

function done(summary, latency, requests)
  local name = soak_name
  local all_statuses, all_sent = {}, {}
  for _, thread in ipairs(threads) do
    add_all(all_statuses, thread:get("statuses"))
    add_all(all_sent, thread:get("sent"))
  end
  local function line(key, value)
    io.write(string.format("SOAK %s %s %s\n", name, key, tostring(value)))
  end
  line("requests", summary.requests)
  line("seconds", string.format("%.3f", summary.duration / 1e6))
  for _, kind in ipairs({ "connect", "read", "write", "timeout" }) do
    line("socket_" .. kind, summary.errors[kind])
  end
  for status, n in pairs(all_statuses) do
    line("status_" .. status, n)
  end
  for kind, n in pairs(all_sent) do
    line("sent_" .. kind, n)
  end
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    line("p" .. p .. "_ms", string.format("%.2f", latency:percentile(p) / 1000))
  end
  line("max_ms", string.format("%.2f", latency.max / 1000))
end
