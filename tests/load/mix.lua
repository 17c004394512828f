-- wrk script for the orders service of apierror-examples (axum or actix-web).
--
-- Sends every error variant of `OrderError`, the answers of the problem
-- layer (the router's 404 and 405) and of the `Json` extractor (400, 415,
-- 422), and two success routes, round robin, and checks every response: status, content type, the headers the
-- variant declares, and the body. wrk does not say which request a response
-- answers, so each route's answer has a signature of its own; a response
-- that matches none is "bad", and at the end the count of answers of each
-- kind must equal the requests built for its route, give or take the
-- requests still in flight when wrk stopped (one per connection) and the one
-- request wrk builds on its first thread to check the script ("mismatch").
--
-- done() prints one `LOADCHECK ...` and one `LOADSTATS ...` line that
-- tests/load/run.sh parses.

local PROBLEM = "application/problem+json"
local AUTH = { ["Authorization"] = "Bearer demo-token" }
local JSON = { ["Authorization"] = "Bearer demo-token", ["Content-Type"] = "application/json" }
local TEXT = { ["Authorization"] = "Bearer demo-token", ["Content-Type"] = "text/plain" }

-- route name, method, path, headers, body
local routes = {
  { "health",    "GET",    "/health" },
  { "order",     "GET",    "/orders/1",          AUTH },
  { "unauth",    "GET",    "/orders" },
  { "notfound",  "GET",    "/orders/999",        AUTH },
  { "noroute",   "GET",    "/no/such/route" },
  { "method",    "PUT",    "/orders/1",          AUTH },
  { "state",     "DELETE", "/orders/2",          AUTH },
  { "invalid",   "POST",   "/orders",            JSON, '{"lines":[{"sku":"","qty":0}]}' },
  { "shape",     "POST",   "/orders",            JSON, '{"lines":[{"sku":"tea","qty":"two"}]}' },
  { "malformed", "POST",   "/orders",            JSON, '{"lines":' },
  { "mediatype", "POST",   "/orders",            TEXT, 'tea x 1' },
  { "payment",   "POST",   "/orders/1/pay",      JSON, '{"card":"4000000000000002"}' },
  { "ratelimit", "GET",    "/orders/export",     AUTH },
  { "carrier",   "GET",    "/orders/1/tracking", AUTH },
  { "panic",     "GET",    "/orders/1/invoice",  AUTH },
}

-- What each route answers. `route` names the route when the kind is not
-- the route itself (the first export of a minute succeeds).
local kinds = {
  { name = "health",    status = 200, ctype = "text/plain",       exact = "ok" },
  { name = "order",     status = 200, ctype = "application/json", prefix = '{"id":1,' },
  { name = "export_ok", status = 200, ctype = "application/json", prefix = "[", route = "ratelimit" },
  { name = "unauth",    status = 401, ctype = PROBLEM,
    headers = { ["www-authenticate"] = 'Bearer realm="orders"' } },
  { name = "notfound",  status = 404, ctype = PROBLEM, has = { '"instance":"/orders/999"' } },
  -- The router's own 404 and 405, made problems by the layer; `Allow` is
  -- compared without spaces (axum writes `GET,HEAD,DELETE`, actix-web
  -- `GET, HEAD, DELETE`: the same list).
  { name = "noroute",   status = 404, ctype = PROBLEM, exact = '{"title":"Not Found","status":404}' },
  { name = "method",    status = 405, ctype = PROBLEM, methods = { ["allow"] = "GET,HEAD,DELETE" },
    exact = '{"title":"Method Not Allowed","status":405}' },
  { name = "state",     status = 409, ctype = PROBLEM, has = { "/problems/order-state" } },
  { name = "invalid",   status = 422, ctype = PROBLEM,
    has = { '"detail":"2 values are invalid"', '"pointer":"#/lines/0/qty"', '"pointer":"#/lines/0/sku"' } },
  { name = "shape",     status = 422, ctype = PROBLEM,
    has = { '"detail":"the request body is valid JSON of the wrong shape"', '"pointer":"#/lines/0/qty"' } },
  { name = "malformed", status = 400, ctype = PROBLEM, has = { "not valid JSON", "at line 1 column 9" } },
  { name = "mediatype", status = 415, ctype = PROBLEM, has = { "Content-Type: application/json" } },
  { name = "payment",   status = 402, ctype = PROBLEM, has = { "/problems/payment-declined" } },
  { name = "ratelimit", status = 429, ctype = PROBLEM, headers = { ["retry-after"] = "" } },
  { name = "carrier",   status = 503, ctype = PROBLEM, headers = { ["retry-after"] = "30" },
    exact = '{"title":"Service Unavailable","status":503}' },
  { name = "panic",     status = 500, ctype = PROBLEM, lacks = { "index out of bounds", "panicked" } },
}

-- per thread
local requests = {}
local index = 0
issued = {}
seen = {}
bad = 0
bad_samples = {}
export_ok = 0

local function header(headers, name)
  for k, v in pairs(headers) do
    if string.lower(k) == name then
      return v
    end
  end
  return nil
end

local function matches(kind, status, headers, body)
  if status ~= kind.status then return false end
  local ctype = header(headers, "content-type")
  if ctype == nil or string.sub(ctype, 1, #kind.ctype) ~= kind.ctype then return false end
  for name, value in pairs(kind.headers or {}) do
    local got = header(headers, name)
    if got == nil or (value ~= "" and got ~= value) then return false end
  end
  for name, value in pairs(kind.methods or {}) do
    local got = header(headers, name)
    if got == nil or string.gsub(got, " ", "") ~= value then return false end
  end
  body = body or ""
  if kind.exact and body ~= kind.exact then return false end
  if kind.prefix and string.sub(body, 1, #kind.prefix) ~= kind.prefix then return false end
  if kind.ctype == PROBLEM then
    -- A problem body is one JSON object whose status member is the status.
    if string.sub(body, 1, 1) ~= "{" or string.sub(body, -1) ~= "}" then return false end
    if not string.find(body, '"status":' .. status, 1, true) then return false end
  end
  for _, s in ipairs(kind.has or {}) do
    if not string.find(body, s, 1, true) then return false end
  end
  for _, s in ipairs(kind.lacks or {}) do
    if string.find(body, s, 1, true) then return false end
  end
  return true
end

function init(_)
  for i, r in ipairs(routes) do
    requests[i] = { name = r[1], raw = wrk.format(r[2], r[3], r[4], r[5]) }
    issued[r[1]] = 0
  end
  for _, k in ipairs(kinds) do
    seen[k.route or k.name] = 0
  end
  -- Threads start at different routes (`id` is set by setup()).
  index = ((id or 0) * 5) % #routes
end

function request()
  index = index % #requests + 1
  local r = requests[index]
  issued[r.name] = issued[r.name] + 1
  return r.raw
end

function response(status, headers, body)
  for _, kind in ipairs(kinds) do
    if matches(kind, status, headers, body) then
      local route = kind.route or kind.name
      seen[route] = seen[route] + 1
      if kind.name == "export_ok" then export_ok = export_ok + 1 end
      return
    end
  end
  bad = bad + 1
  if #bad_samples < 5 then
    bad_samples[#bad_samples + 1] = status .. " " .. tostring(header(headers, "content-type"))
      .. " " .. string.sub(body or "", 1, 200)
  end
end

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function done(summary, latency, _)
  local total_bad, mismatch, responses, exports = 0, 0, 0, 0
  local issued_all, seen_all = {}, {}
  for _, t in ipairs(threads) do
    total_bad = total_bad + t:get("bad")
    exports = exports + t:get("export_ok")
    for name, n in pairs(t:get("issued")) do
      issued_all[name] = (issued_all[name] or 0) + n
    end
    for name, n in pairs(t:get("seen")) do
      seen_all[name] = (seen_all[name] or 0) + n
      responses = responses + n
    end
    for _, s in ipairs(t:get("bad_samples")) do
      io.write("BAD " .. s .. "\n")
    end
  end
  local per_route = {}
  for name, n in pairs(issued_all) do
    local got = seen_all[name] or 0
    mismatch = mismatch + math.abs(n - got)
    per_route[#per_route + 1] = name .. "=" .. got .. "/" .. n
  end
  table.sort(per_route)
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "LOADCHECK requests=%d good=%d bad=%d mismatch=%d socket_errors=%d connect=%d read=%d write=%d timeout=%d export_ok=%d\n",
    summary.requests, responses, total_bad, mismatch, socket_errors,
    e.connect, e.read, e.write, e.timeout, exports))
  io.write("LOADROUTES " .. table.concat(per_route, " ") .. "\n")
  io.write(string.format(
    "LOADSTATS rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
