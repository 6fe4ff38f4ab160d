-- Plans corrected and managed in chat (issue 9).
-- A preview the coordinator edits with buttons is kept as JSON beside the draft's
-- spec (NULL: an older draft, read from its spec), with a version that each edit
-- raises so that buttons of an older rendering are refused as stale.
ALTER TABLE plan_drafts ADD COLUMN preview TEXT;
ALTER TABLE plan_drafts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- A deleted plan or task is kept (its statuses stay in the ledger); it only
-- stops being shown, counted and reminded.
ALTER TABLE plans ADD COLUMN deleted_at TEXT;
ALTER TABLE plan_tasks ADD COLUMN deleted_at TEXT;
-- 'branch': every branch (or those named) owes it; 'committee': the committee's
-- own duty, shown as such and never a branch's task.
ALTER TABLE plan_tasks ADD COLUMN owner TEXT NOT NULL DEFAULT 'branch';

-- Every change made to an enabled plan: who, when, what.
CREATE TABLE plan_changes (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plans(id),
    task_id  INTEGER REFERENCES plan_tasks(id),
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '',
    by_user  INTEGER,
    at       TEXT NOT NULL
);
CREATE INDEX plan_changes_plan ON plan_changes(plan_id, id);

-- The extractor's warnings shown with the preview, kept so that an edited
-- preview still shows them (JSON list of rendered lines).
ALTER TABLE plan_drafts ADD COLUMN notes TEXT;
