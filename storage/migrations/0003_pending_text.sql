-- A report typed while the bot was asking which month it is for: kept until
-- the month is chosen, so the text is never lost.
ALTER TABLE pending ADD COLUMN held_text TEXT;
