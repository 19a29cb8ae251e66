-- Reads: GET one of the paths listed in a file (one per line), at random.
-- Args: file
function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(paths, line) end
  end
  ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
end

function request()
  return wrk.format("GET", paths[math.random(1, #paths)], { ["User-Agent"] = ua }, nil)
end
