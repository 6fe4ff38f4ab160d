-- Report forms (issue #12, docs/forms.md).
-- A form version applies from its month until the next version's month; several
-- versions set for one month: the latest (highest id) wins from then on. A month
-- keeps the version its reports were answered with (form_reports), whatever is set later.
CREATE TABLE forms (
    id          INTEGER PRIMARY KEY,
    from_month  TEXT NOT NULL,              -- 'YYYY-MM'
    spec        TEXT,                       -- the form as JSON (bot/forms/model.py); NULL = no form from then on
    created_by  INTEGER,                    -- NULL when set from the command line
    created_at  TEXT NOT NULL
);
CREATE INDEX forms_from ON forms(from_month, id);

-- Which form version a submitted report was answered with.
CREATE TABLE form_reports (
    report_id  INTEGER PRIMARY KEY,         -- reports.id (a withdrawn report leaves reports, not this)
    form_id    INTEGER NOT NULL REFERENCES forms(id)
);

-- The current answer of each field of a report; value is JSON, NULL = skipped.
CREATE TABLE form_answers (
    report_id  INTEGER NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT,
    revision   INTEGER NOT NULL,            -- how many times this field has been set
    author_id  INTEGER NOT NULL,
    set_at     TEXT NOT NULL,
    PRIMARY KEY (report_id, key)
);

-- Every value each field ever had (revision 1 is the submission).
CREATE TABLE form_answer_revisions (
    report_id  INTEGER NOT NULL,
    key        TEXT NOT NULL,
    revision   INTEGER NOT NULL,
    value      TEXT,
    author_id  INTEGER NOT NULL,
    set_at     TEXT NOT NULL,
    PRIMARY KEY (report_id, key, revision)
);

-- An unsubmitted report being filled in, per branch and month (shared by its
-- secretary and deputy), stored after every answer so it survives a restart.
CREATE TABLE form_drafts (
    branch_id   INTEGER NOT NULL REFERENCES branches(id),
    month       TEXT NOT NULL,
    form_id     INTEGER NOT NULL REFERENCES forms(id),
    answers     TEXT NOT NULL DEFAULT '{}', -- JSON: key -> value, null = skipped
    unread      TEXT NOT NULL DEFAULT '[]', -- JSON: keys a pasted template left unreadable
    author_id   INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (branch_id, month)
);
