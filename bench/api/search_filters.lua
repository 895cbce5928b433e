-- What the dashboard asks beside each search: the facets of /api/filters for a word taken from the stored titles
-- (BENCH_WORDS, one per line), never the same twice in a row. Seeded (BENCH_SEED, default 42, plus the thread's number).
dofile("bench/api/latency.lua")
local words = {}
for line in io.lines(os.getenv("BENCH_WORDS")) do words[#words + 1] = line end
local threads = 0
setup = function(thread)
  thread:set("number", threads)
  threads = threads + 1
end
init = function(args)
  math.randomseed(tonumber(os.getenv("BENCH_SEED") or "42") + number)
end
local function encode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
request = function()
  return wrk.format("GET", "/api/filters?q=" .. encode(words[math.random(1, #words)]))
end
