-- zhibu schema, version 1. Times are ISO 8601 strings with their UTC offset;
-- months are 'YYYY-MM'; dates are 'YYYY-MM-DD' in the committee's time zone.

CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    user_id       INTEGER PRIMARY KEY,
    first_name    TEXT NOT NULL DEFAULT '',
    last_name     TEXT NOT NULL DEFAULT '',
    username      TEXT,
    tg_language   TEXT,
    language      TEXT,                      -- chosen with /lang; wins over tg_language
    reachable     INTEGER NOT NULL DEFAULT 1,
    unreachable_reason TEXT,
    seen_at       TEXT NOT NULL
);

CREATE TABLE coordinators (
    user_id   INTEGER PRIMARY KEY REFERENCES users(user_id),
    added_by  INTEGER,
    added_at  TEXT NOT NULL
);

CREATE TABLE branches (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    category    TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX branches_active_name ON branches(name) WHERE archived_at IS NULL;

-- One secretary and at most one deputy per branch; a new one replaces the old (换届).
CREATE TABLE branch_members (
    branch_id  INTEGER NOT NULL REFERENCES branches(id),
    role       TEXT NOT NULL CHECK (role IN ('secretary', 'deputy')),
    user_id    INTEGER NOT NULL REFERENCES users(user_id),
    since      TEXT NOT NULL,
    PRIMARY KEY (branch_id, role)
);
CREATE INDEX branch_members_user ON branch_members(user_id);

CREATE TABLE invites (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,        -- sha256 of the token; the token itself is never stored
    role        TEXT NOT NULL CHECK (role IN ('secretary', 'deputy', 'coordinator')),
    branch_id   INTEGER REFERENCES branches(id),
    created_by  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    used_by     INTEGER,
    revoked_at  TEXT
);

CREATE TABLE cycles (
    month       TEXT PRIMARY KEY,
    due_on      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE reports (
    id                 INTEGER PRIMARY KEY,
    branch_id          INTEGER NOT NULL REFERENCES branches(id),
    month              TEXT NOT NULL,
    author_id          INTEGER NOT NULL,
    text               TEXT NOT NULL,
    submitted_at       TEXT NOT NULL,
    revised_at         TEXT,
    late               INTEGER NOT NULL,
    revisions          INTEGER NOT NULL DEFAULT 1,
    highlighted_by     INTEGER,
    UNIQUE (branch_id, month)
);
CREATE INDEX reports_month ON reports(month);

CREATE TABLE report_revisions (
    report_id    INTEGER NOT NULL REFERENCES reports(id),
    revision     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    author_id    INTEGER NOT NULL,
    submitted_at TEXT NOT NULL,
    PRIMARY KEY (report_id, revision)
);

-- Evidence belongs to (branch, month) so a photo sent before the text is kept.
CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    branch_id      INTEGER NOT NULL REFERENCES branches(id),
    month          TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('photo', 'document')),
    file_id        TEXT NOT NULL,
    file_unique_id TEXT NOT NULL,
    file_name      TEXT,
    caption        TEXT,
    author_id      INTEGER NOT NULL,
    added_at       TEXT NOT NULL,
    UNIQUE (branch_id, month, file_unique_id)
);

-- Messages of the bot that asked for a report: a reply to one is a report.
CREATE TABLE prompts (
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    branch_id  INTEGER NOT NULL REFERENCES branches(id),
    month      TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);

-- A question the bot is waiting for an answer to (one per user).
CREATE TABLE pending (
    user_id    INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    branch_id  INTEGER,
    month      TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE exemptions (
    branch_id  INTEGER NOT NULL REFERENCES branches(id),
    month      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (branch_id, month)
);

CREATE TABLE outbox (
    id             INTEGER PRIMARY KEY,
    dedupe_key     TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    chat_id        INTEGER NOT NULL,
    text           TEXT NOT NULL,
    reply_markup   TEXT,
    branch_id      INTEGER,
    month          TEXT,
    recipient_id   INTEGER,
    created_at     TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'sent', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent_at        TEXT,
    tg_message_id  INTEGER,
    error          TEXT
);
CREATE INDEX outbox_pending ON outbox(status, next_attempt_at);

CREATE TABLE circulars (
    month       TEXT PRIMARY KEY,
    text        TEXT NOT NULL,
    built_at    TEXT NOT NULL,
    posted_at   TEXT,
    message_ids TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor_id  INTEGER,
    action    TEXT NOT NULL,
    branch_id INTEGER,
    detail    TEXT NOT NULL DEFAULT ''
);
