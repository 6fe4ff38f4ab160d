-- One `zhibu run` per database: the process that holds this single row runs; any other
-- refuses to start (or, with --standby, waits for the lease to expire). The holder
-- renews expires_at every few seconds; a killed holder's lease simply runs out.
CREATE TABLE instance_lease (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    owner       TEXT NOT NULL,      -- host:pid:random, unique per process run
    host        TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    since       TEXT NOT NULL,      -- when this owner took the lease (UTC ISO)
    renewed_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
