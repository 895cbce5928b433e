-- Schema v5: the item fields the legacy processor's reports carry and the legacy UI reads.
-- The three languages of a report (the video's, its summaries', its narration's), as the processor sent them; where a
-- report did not say, readers derive them from `language` and the summaries (docs/api.md, "ITEM").
ALTER TABLE videos
    ADD COLUMN original_language text,
    ADD COLUMN summary_language  text,
    ADD COLUMN audio_language    text;
