-- Every update as it arrives from getUpdates, before python-telegram-bot can confirm it
-- (bot/inbox.py): one row per update_id, its JSON, and whether its handlers have run.
-- A row still 'received' at start-up is handled then; a redelivered update_id is
-- handled once. Handled rows are pruned after a few days.
CREATE TABLE inbox (
    update_id    INTEGER PRIMARY KEY,
    payload      TEXT NOT NULL,                -- the update as Telegram sent it (JSON)
    state        TEXT NOT NULL DEFAULT 'received' CHECK (state IN ('received', 'handled')),
    received_at  TEXT NOT NULL,
    handled_at   TEXT,
    failure      TEXT                          -- why a handler failed, when one did
);
CREATE INDEX inbox_received ON inbox(received_at, update_id) WHERE state = 'received';
CREATE INDEX inbox_handled ON inbox(handled_at) WHERE state = 'handled';
