-- POST the real signature form, as a browser would after one visit to the page:
-- the CSRF token and cookie fetched beforehand, and a new email address on every request.
-- bench/run.py passes what the page held in BENCH_SIGN_* variables.
--
-- A redirect (3xx) means the site accepted the signature; a 200 means it showed the form
-- again with errors. done() prints the counts on one line that bench/wrk.py reads.
--
-- With BENCH_SIGN_ACCEPTED_DIR set (make scale), each thread also writes every address the
-- site accepted to a file of its own there. That needs one connection per thread
-- (--threads equal to --connections): a thread's response is then to its last request.

local threads = {}

function setup(thread)
  thread:set("thread_number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  accepted = 0
  form_again = 0
  client_errors = 0
  server_errors = 0
  counter = 0
  prefix = os.getenv("BENCH_SIGN_PREFIX")
  local body = os.getenv("BENCH_SIGN_BODY")
  local at = string.find(body, "__EMAIL__", 1, true)
  body_before = string.sub(body, 1, at - 1)
  body_after = string.sub(body, at + string.len("__EMAIL__"))
  path = os.getenv("BENCH_SIGN_PATH")
  email = ""
  local accepted_dir = os.getenv("BENCH_SIGN_ACCEPTED_DIR")
  if accepted_dir then
    accepted_file = io.open(accepted_dir .. "/" .. prefix .. "-" .. thread_number .. ".txt", "a")
  end
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = os.getenv("BENCH_SIGN_COOKIE"),
    ["Origin"] = os.getenv("BENCH_SIGN_ORIGIN"),
    ["Referer"] = os.getenv("BENCH_SIGN_REFERER"),
  }
end

function request()
  counter = counter + 1
  -- "%40" is "@" in the form's encoding: the address is unique to this thread and request.
  email = prefix .. "-" .. thread_number .. "-" .. counter .. "%40bench.example.org"
  return wrk.format("POST", path, headers, body_before .. email .. body_after)
end

function response(status, headers, body)
  if status >= 300 and status < 400 then
    accepted = accepted + 1
    if accepted_file then
      accepted_file:write(string.gsub(email, "%%40", "@"), "\n")
      accepted_file:flush()
    end
  elseif status < 300 then
    form_again = form_again + 1
  elseif status < 500 then
    client_errors = client_errors + 1
  else
    server_errors = server_errors + 1
  end
end

function done(summary, latency, requests)
  local totals = {accepted = 0, form_again = 0, client_errors = 0, server_errors = 0, sent = 0}
  for _, thread in ipairs(threads) do
    totals.accepted = totals.accepted + thread:get("accepted")
    totals.form_again = totals.form_again + thread:get("form_again")
    totals.client_errors = totals.client_errors + thread:get("client_errors")
    totals.server_errors = totals.server_errors + thread:get("server_errors")
    totals.sent = totals.sent + thread:get("counter")
  end
  io.write(string.format(
    'BENCH_JSON {"accepted": %d, "form_again": %d, "client_errors": %d, '
      .. '"server_errors": %d, "requests_sent": %d}\n',
    totals.accepted, totals.form_again, totals.client_errors, totals.server_errors, totals.sent
  ))
end
