-- Writes while reads are measured: mostly view beacons from new readers,
-- and every 20th request a reader's comment on one story.
-- Args: beacons_file article_path form_ts form_token
function init(args)
  beacons = {}
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(beacons, line) end
  end
  article, ts, token = args[2], args[3], args[4]
  n = 0
  ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
end

function request()
  n = n + 1
  local k = n + 50000000
  local ip = string.format("11.%d.%d.%d", math.floor(k / 65536) % 256, math.floor(k / 256) % 256, k % 256)
  if n % 20 == 0 then
    local body = "name=Bench+Reader&body=Comment+number+" .. n .. "+from+the+benchmark&ts=" .. ts .. "&token=" .. token
    return wrk.format("POST", article .. "/comments", {
      ["X-Forwarded-For"] = ip, ["User-Agent"] = ua,
      ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
  end
  return wrk.format("POST", beacons[math.random(1, #beacons)],
    { ["X-Forwarded-For"] = ip, ["User-Agent"] = ua, ["Content-Length"] = "0" }, nil)
end

function response(status, headers, body)
  if status == 303 then posted = (posted or 0) + 1
  elseif status >= 400 then
    refused = (refused or 0) + 1
    if (refused or 0) <= 3 then io.write("REFUSED " .. status .. " " .. string.sub(body or "", 1, 200) .. "\n") end
  end
end
