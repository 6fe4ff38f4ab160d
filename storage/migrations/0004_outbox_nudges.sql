-- /remind asks when each branch was last nudged; without this index that was a
-- full scan of the outbox per branch.
CREATE INDEX outbox_kind_branch ON outbox(kind, branch_id, created_at);
