-- What the dashboard asks beside each search: the facets of /api/filters for a random title word (bench/api/words.lua).
dofile("bench/api/latency.lua")
dofile("bench/api/words.lua")
request = function()
  return wrk.format("GET", "/api/filters?q=" .. random_word())
end
