-- Reads from a list of paths (one per line). Args: paths_file mode salt
--   mode "random":   each request a path drawn uniformly from the list;
--   mode "sequence": the list is already a drawn sequence (a Zipf-like
--                    sample, say); each thread walks it from its own offset.
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(paths, line) end
  end
  mode = args[2] or "random"
  local salt = tonumber(args[3]) or 0
  math.randomseed(tid * 7919 + salt * 104729)
  pos = math.random(1, #paths)
  ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
end

function request()
  local path
  if mode == "sequence" then
    pos = pos % #paths + 1
    path = paths[pos]
  else
    path = paths[math.random(1, #paths)]
  end
  return wrk.format("GET", path, { ["User-Agent"] = ua }, nil)
end
