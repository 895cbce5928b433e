-- Seeds :videos videos with categorizations, summaries and some audio, straight in SQL (fast for 100,000 rows).
-- Used only by bench/api/run on a throwaway database.
\set ON_ERROR_STOP on
BEGIN;
WITH parents(i, category, sub) AS (
    VALUES (0, 'History', 'Modern History'), (1, 'Technology', 'Web Development'), (2, 'Education', 'Online Learning'),
           (3, 'Business', 'Finance & Investing'), (4, 'AI Software Development', 'Prompt Engineering & RAG'),
           (5, 'World War II (WWII)', 'European Theatre'), (6, 'History', 'Ancient Civilizations'), (7, 'Technology', 'Cybersecurity')
)
INSERT INTO videos (video_id, title, channel_name, published_at, indexed_at, duration_seconds, word_count, content_type,
                    complexity_level, language, categories, categorization_origin, key_topics)
SELECT lpad(to_hex(g), 11, '0'),
       -- About 1% of titles mention "war", so a search is selective as real searches are.
       CASE WHEN g % 97 = 0 THEN 'The war that' ELSE (ARRAY['How databases', 'Why history', 'A guide to', 'Inside the'])[1 + g % 4] END
           || ' ' || md5(g::text),
       'Channel ' || (g % 500),
       now() - (g % 3000) * interval '1 day',
       now() - g * interval '1 minute',
       60 + g % 5000, 500 + g % 3000,
       (ARRAY['Tutorial', 'Discussion', 'News', 'Review'])[1 + g % 4],
       (ARRAY['Beginner', 'Intermediate', 'Advanced'])[1 + g % 3],
       (ARRAY['en', 'en-US', 'fr', 'es', 'de'])[1 + g % 5],
       jsonb_build_array(jsonb_build_object('category', p.category, 'subcategories', jsonb_build_array(p.sub))),
       'processor', '["topic"]'
FROM generate_series(1, :videos) g JOIN parents p ON p.i = g % 8;

INSERT INTO summaries (video_id, variant, revision, is_latest, text)
SELECT video_id, 'comprehensive', 1, true,
       '**Overview:** ' || title || E'\n• ' || md5(video_id) || CASE WHEN hashtext(video_id) % 89 = 0 THEN ' war and peace' ELSE ' data' END
           || E'\n• second point about ' || channel_name
FROM videos;
INSERT INTO summaries (video_id, variant, revision, is_latest, text)
SELECT video_id, 'audio', 1, true, 'Narration of ' || title FROM videos WHERE hashtext(video_id) % 3 = 0;
INSERT INTO audio (video_id, bytes, size_bytes, sha256, duration_seconds)
SELECT video_id, decode(repeat('fffb9064', 256), 'hex'), 1024, encode(sha256(decode(repeat('fffb9064', 256), 'hex')), 'hex'), 60
FROM videos WHERE hashtext(video_id) % 3 = 0;
COMMIT;
ANALYZE;
