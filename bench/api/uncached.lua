-- The legacy-style uncached mix: every request asks for another page (1-400) and size (10-50) of /api/reports in one
-- of seven sorts, and one request in four searches for a word taken from the stored titles (BENCH_WORDS, one per
-- line). Seeded (BENCH_SEED, default 42, plus the thread's number), so a run repeats exactly. Far more combinations
-- than the response cache keeps: the figures are those of the database path. BENCH_SEARCHES=0 leaves the searches out
-- (the same pages and sorts), to tell their share of the time.
dofile("bench/api/latency.lua")
local words = {}
for line in io.lines(os.getenv("BENCH_WORDS")) do words[#words + 1] = line end
local searches = os.getenv("BENCH_SEARCHES") ~= "0"
local sorts = { "added_desc", "added_asc", "newest", "oldest", "title_az", "title_za", "duration_desc" }
local threads = 0
setup = function(thread)
  thread:set("number", threads)
  threads = threads + 1
end
init = function(args)
  math.randomseed(tonumber(os.getenv("BENCH_SEED") or "42") + number)
end
-- As a browser sends it: every byte outside the unreserved set percent-encoded (words with accents, CJK).
local function encode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
request = function()
  local path = string.format("/api/reports?page=%d&size=%d&sort=%s", math.random(1, 400), math.random(10, 50), sorts[math.random(1, 7)])
  if math.random(1, 4) == 1 and searches then path = path .. "&q=" .. encode(words[math.random(1, #words)]) end
  return wrk.format("GET", path)
end
