-- View beacons: POST to one of the beacon addresses listed in a file (the
-- /hit/{id}?t=TOKEN each article page carries), each request from a new
-- reader (its own X-Forwarded-For address), counting the 202s (views the
-- server accepted). Args: beacons_file salt
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  beacons = {}
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(beacons, line) end
  end
  salt = tonumber(args[2]) or 0
  n = 0
  accepted = 0
  math.randomseed(tid * 7919 + salt * 104729)
  ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
end

function request()
  n = n + 1
  -- A distinct address per request: thread, salt and counter, spread over 10.0.0.0/8.
  local k = n + tid * 4000000 + salt * 40000000
  local ip = string.format("10.%d.%d.%d", math.floor(k / 65536) % 256, math.floor(k / 256) % 256, k % 256)
  return wrk.format("POST", beacons[math.random(1, #beacons)],
    { ["X-Forwarded-For"] = ip, ["User-Agent"] = ua, ["Content-Length"] = "0" }, nil)
end

function response(status, headers, body)
  if status == 202 then accepted = accepted + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("accepted") end
  io.write(string.format("ACCEPTED %d\n", total))
end
