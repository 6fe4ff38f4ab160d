-- Plans (方案): the reviewed plan as JSON, its tasks as rows (stable ids for
-- buttons and statuses), each branch's status per task, and previews that a
-- coordinator has not yet confirmed.

CREATE TABLE plans (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    year        INTEGER NOT NULL,
    spec        TEXT NOT NULL,           -- PlanSpec as JSON
    active      INTEGER NOT NULL DEFAULT 1,
    created_by  INTEGER,
    created_at  TEXT NOT NULL
);

CREATE TABLE plan_tasks (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES plans(id),
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    phase       TEXT,
    due_on      TEXT,                    -- the last allowed day, if any
    ongoing     INTEGER NOT NULL DEFAULT 0,
    recurring   TEXT,                    -- RecurringRule as JSON, if any
    branches    TEXT NOT NULL DEFAULT '"all"'  -- "all" or a JSON list of branch names
);
CREATE INDEX plan_tasks_plan ON plan_tasks(plan_id, position);

CREATE TABLE task_status (
    task_id    INTEGER NOT NULL REFERENCES plan_tasks(id),
    branch_id  INTEGER NOT NULL REFERENCES branches(id),
    status     TEXT NOT NULL CHECK (status IN ('todo', 'doing', 'done')),
    note       TEXT NOT NULL DEFAULT '',
    updated_by INTEGER,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (task_id, branch_id)
);

CREATE TABLE plan_drafts (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    file_name   TEXT NOT NULL DEFAULT '',
    spec        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    decided_at  TEXT
);

ALTER TABLE pending ADD COLUMN task_id INTEGER;
