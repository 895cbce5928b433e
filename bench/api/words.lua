-- What the seeded scripts share: the words to search for (BENCH_WORDS, one per line, taken from the stored titles), a
-- random generator seeded per thread (BENCH_SEED, default 42, plus the thread's number) so a run repeats exactly, and
-- a word percent-encoded as a browser sends it (every byte outside the unreserved set: words with accents, CJK).
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
function random_word()
  return (words[math.random(1, #words)]:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
