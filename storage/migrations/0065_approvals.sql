-- 审核 (docs/tree-review.md): a 党总支 may review its 支部's reports before the
-- committee reads them as approved. The committee still counts a report as
-- submitted when it was sent (on time stays on time); review only adds a state.
--
-- approval_settings: which 总支 review (a row per 总支 that ever set it; no row = off).
CREATE TABLE approval_settings (
    general_id INTEGER PRIMARY KEY REFERENCES branches(id),
    enabled    INTEGER NOT NULL DEFAULT 0,
    set_by     INTEGER,
    set_at     TEXT NOT NULL
);

-- report_approvals: the history of each report's review, one row per step
-- (pending when sent or revised, approved or returned by the 总支 secretary,
-- with a comment). A report's state is its newest row. Kept when a report is
-- revised: the history shows every round.
CREATE TABLE report_approvals (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL,
    branch_id  INTEGER NOT NULL,
    month      TEXT NOT NULL,
    general_id INTEGER NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'returned')),
    by_user    INTEGER,
    at         TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX report_approvals_report ON report_approvals(report_id, id);
CREATE INDEX report_approvals_month ON report_approvals(month, general_id);
