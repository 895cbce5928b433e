-- Schema v10: the planner's estimate of how many videos a search matches, from its statistics of the search words.
-- The dashboard asks it of a word it has not met since the last change, to choose between counting the word and
-- reading its matches at once (a word most videos hold costs tens of milliseconds either way). EXPLAIN plans a bound
-- parameter without its value, so the query is written into the statement here, quoted by format's %L (and PostgreSQL
-- runs EXPLAIN only in a function declared volatile).
CREATE FUNCTION ytv2_search_estimate(q text) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM videos WHERE search @@ %L::tsquery', ytv2_search_query(q)) INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::bigint;
END
$$;
