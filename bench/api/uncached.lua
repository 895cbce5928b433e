-- The legacy-style uncached mix: every request asks for another page (1-400) and size (10-50) of /api/reports in one
-- of seven sorts, and one request in four searches for a word taken from the stored titles (bench/api/words.lua, seeded
-- so a run repeats exactly). Far more combinations than the response cache keeps: the figures are those of the
-- database path. BENCH_SEARCHES=0 leaves the searches out (the same pages and sorts), to tell their share of the time.
dofile("bench/api/latency.lua")
dofile("bench/api/words.lua")
local searches = os.getenv("BENCH_SEARCHES") ~= "0"
local sorts = { "added_desc", "added_asc", "newest", "oldest", "title_az", "title_za", "duration_desc" }
request = function()
  local path = string.format("/api/reports?page=%d&size=%d&sort=%s", math.random(1, 400), math.random(10, 50), sorts[math.random(1, 7)])
  if math.random(1, 4) == 1 and searches then path = path .. "&q=" .. random_word() end
  return wrk.format("GET", path)
end
