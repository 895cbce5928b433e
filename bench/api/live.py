#!/usr/bin/env python3
"""The writer of bench/api/run's live lines: a processor storing videos while the dashboard is read.

    live.py ingest  BASE TOKEN WORDS SECONDS   one real-shaped video a second through POST /ingest/report (the flat
                                               payload of the legacy processor's ingest client) until SECONDS pass or
                                               SIGTERM; prints the ingests' p50/p95/p99
    live.py facets  BASE TOKEN WORDS COUNT [ASK [LABEL]]
                                               COUNT times: ingest one video, wait for the change to be heard, then ask
                                               /api/filters?q=<a random word of ASK, else of WORDS>, as the dashboard asks
                                               beside a search; prints the facets' p50/p95/p99 (under LABEL)

The videos are shaped like the real ones bench/api/run seeds (`ytv2 fixtures legacy --realistic`): a title of about
44 characters from the stored titles' words, one of a few hundred channels, one to three summary variants of 0.6 to
6.3 KB (3.7 KB on average for the main one), a categorization, an analysis. Standard library only.
"""
import json
import random
import signal
import sys
import time
import urllib.request

CATEGORIES = [
    ("Technology", ["Software Development", "AI & Machine Learning", "Hardware"]),
    ("Science", ["Physics", "Biology", "Space"]),
    ("History", ["Modern History", "Ancient History"]),
    ("Education", ["Online Learning", "Languages"]),
    ("Entertainment", ["Gaming", "Movies"]),
]
VARIANTS = ["comprehensive", "key_points", "key_insights", "audio", "audio-fr:intermediate"]
ID_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def text_of(rng, words, size):
    """Paragraphs of words until `size` bytes, with the markdown the summaries carry."""
    parts, length = [], 0
    while length < size:
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(8, 18))).capitalize() + "."
        if rng.random() < 0.2:
            sentence = "\n• **" + sentence + "**"
        parts.append(sentence)
        length += len(sentence) + 1
    return " ".join(parts)


def payload(rng, words):
    video_id = "".join(rng.choice(ID_CHARACTERS) for _ in range(11))
    title = ""
    while len(title) < 44:
        title = (title + " " + rng.choice(words)).strip()
    parent, subs = rng.choice(CATEGORIES)
    main = text_of(rng, words, int(rng.triangular(600, 6300, 3900)))
    variants = [{"variant": "comprehensive", "text": main}]
    for name in rng.sample(VARIANTS[1:], rng.randint(0, 2)):
        variants.append({"variant": name, "text": text_of(rng, words, rng.randint(600, 2500))})
    categories = {"categories": [{"category": parent, "subcategories": [rng.choice(subs)]}]}
    return {
        "id": video_id, "video_id": video_id, "title": title.capitalize(),
        "channel_name": "Channel %d" % rng.randint(1, 300), "published_at": "2025-%02d-%02dT10:00:00Z" % (rng.randint(1, 12), rng.randint(1, 28)),
        "duration_seconds": rng.randint(60, 5400), "indexed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "original_language": "en", "summary_language": "en", "word_count": len(main.split()),
        "subcategories_json": json.dumps(categories),
        "analysis_json": {"categories": categories["categories"], "content_type": rng.choice(["Tutorial", "Discussion", "Review"]),
                          "complexity_level": rng.choice(["Beginner", "Intermediate", "Advanced"]), "language": "en",
                          "key_topics": rng.sample(words, 3)},
        "summary_text": main, "summary_variant": "comprehensive", "summary_variants": variants,
    }


def ingest(base, token, body):
    request = urllib.request.Request(base + "/ingest/report", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "X-INGEST-TOKEN": token})
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
    return (time.monotonic() - started) * 1000


def get(url):
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
    return (time.monotonic() - started) * 1000


def percentiles(label, values):
    if not values:
        return "%s: none" % label
    values = sorted(values)
    pick = lambda p: values[min(len(values) - 1, int(p * len(values)))]
    return "%s: %d, p50=%.1fms p95=%.1fms p99=%.1fms max=%.1fms" % (label, len(values), pick(0.5), pick(0.95), pick(0.99), values[-1])


def main():
    mode, base, token, words_path, amount = sys.argv[1:6]
    read_words = lambda path: [w.strip() for w in open(path) if w.strip()]
    words = read_words(words_path)
    asked = read_words(sys.argv[6]) if len(sys.argv) > 6 else words
    label = sys.argv[7] if len(sys.argv) > 7 else "facets after a change"
    rng = random.Random(42)
    latencies, errors = [], 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    if mode == "ingest":
        deadline = time.monotonic() + float(amount)
        while not stop and time.monotonic() < deadline:
            tick = time.monotonic()
            try:
                latencies.append(ingest(base, token, payload(rng, words)))
            except Exception:
                errors += 1
            time.sleep(max(0, 1 - (time.monotonic() - tick)))
        print(percentiles("ingests", latencies) + " errors=%d" % errors)
    elif mode == "facets":
        for _ in range(int(amount)):
            try:
                ingest(base, token, payload(rng, words))
                time.sleep(0.05)  # the change is heard within milliseconds
                latencies.append(get(base + "/api/filters?q=" + urllib.request.quote(rng.choice(asked))))
            except Exception:
                errors += 1
        print(percentiles(label, latencies) + " errors=%d" % errors)
    else:
        sys.exit("unknown mode %s: ingest or facets" % mode)


if __name__ == "__main__":
    main()
