-- A report withdrawn or moved to another branch or month. A withdrawn report
-- leaves `reports` (so no count sees it) and lives on here, with its
-- revisions, as a JSON snapshot; a moved one keeps its row and id. The pending
-- question "why?" asked of a coordinator names the report.
CREATE TABLE report_moves (
    id             INTEGER PRIMARY KEY,
    report_id      INTEGER NOT NULL,
    action         TEXT NOT NULL CHECK (action IN ('withdrawn', 'moved')),
    from_branch_id INTEGER NOT NULL,
    from_month     TEXT NOT NULL,
    to_branch_id   INTEGER,
    to_month       TEXT,
    actor_id       INTEGER NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    at             TEXT NOT NULL,
    snapshot       TEXT NOT NULL
);
CREATE INDEX report_moves_report ON report_moves(report_id);
CREATE INDEX report_moves_from ON report_moves(from_branch_id, from_month);

ALTER TABLE pending ADD COLUMN report_id INTEGER;
