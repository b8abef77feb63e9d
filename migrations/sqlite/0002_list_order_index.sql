-- Lists are ordered newest first with the id as tie-breaker; an index on both
-- lets the database walk it backwards instead of sorting every row.
CREATE INDEX mr_created_id ON maintenance_requests(created_at, id);
CREATE INDEX mr_active_created ON maintenance_requests(status, created_at, id);
DROP INDEX mr_status_created;
