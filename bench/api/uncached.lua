-- Every request asks for another page and page size of /api/reports (page 1-400, size 10-50: 16,400 combinations,
-- far more than the response cache keeps), so the figures are those of the database path, not of cached responses.
-- The figures line comes from latency.lua (wrk runs from the repository root).
dofile("bench/api/latency.lua")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", string.format("/api/reports?page=%d&size=%d", math.random(1, 400), math.random(10, 50)))
end
