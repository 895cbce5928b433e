-- A user browsing one search: a random title word (bench/api/words.lua), then its first three pages, two other sorts
-- and a deeper page, before the next word. Twelve items a page, as the dashboard asks. Most words are in a few videos,
-- some in most of them: the pages after the first are what keeping a common word's matches (SearchMatches) serves.
dofile("bench/api/latency.lua")
dofile("bench/api/words.lua")
local steps = { "page=1", "page=2", "page=3", "page=1&sort=title_az", "page=1&sort=newest", "page=40&sort=newest" }
local step = #steps
local word = ""
request = function()
  step = step % #steps + 1
  if step == 1 then word = random_word() end
  return wrk.format("GET", "/api/reports?size=12&q=" .. word .. "&" .. steps[step])
end
