-- A message's validity: after `valid_until` (the end of the stage window it
-- belongs to) it is stale and never sent; NULL never expires (circulars,
-- answers to users). `claimed_by` names the process that leased the row, so a
-- process that starts takes over the claims of a killed one at once.
ALTER TABLE outbox ADD COLUMN valid_until TEXT;
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
