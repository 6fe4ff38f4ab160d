-- 逐级报送: branches form a tree under the committee (docs/tree.md).
-- parent_id NULL: directly under the committee. kind: 'branch' (党支部) or
-- 'general' (党总支, which gathers the branches under it). reports: whether the
-- unit owes a monthly report itself (a 总支 may only gather its 支部).
-- An existing database keeps its meaning: every branch directly under the
-- committee, a 支部 that reports.
ALTER TABLE branches ADD COLUMN parent_id INTEGER REFERENCES branches(id);
ALTER TABLE branches ADD COLUMN kind TEXT NOT NULL DEFAULT 'branch'
    CHECK (kind IN ('branch', 'general'));
ALTER TABLE branches ADD COLUMN reports INTEGER NOT NULL DEFAULT 1;
CREATE INDEX branches_parent ON branches(parent_id);

-- A 总支's own group (bound by its secretary with /bindgroup): its subtree's
-- digest and its own monthly circular are posted there.
CREATE TABLE general_groups (
    branch_id INTEGER PRIMARY KEY REFERENCES branches(id),
    chat_id   INTEGER NOT NULL UNIQUE,
    title     TEXT NOT NULL DEFAULT '',
    bound_by  INTEGER,
    bound_at  TEXT NOT NULL
);
