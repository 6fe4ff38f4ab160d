-- The circular as a model (JSON): the chat text, the Word document and the
-- chart are rendered from it. Rows from before keep their text only.
ALTER TABLE circulars ADD COLUMN doc TEXT;
