-- Schema v8: a search query with no word at all is NULL (which matches nothing, as before) instead of an empty tsquery,
-- whose literal made PostgreSQL send a NOTICE to the client on every search.
CREATE OR REPLACE FUNCTION ytv2_search_query(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT to_tsquery('simple', string_agg(quote_literal(lexeme) || ':*', ' & '))
    FROM unnest(tsvector_to_array(to_tsvector('simple', q))) AS lexeme
$$;
