-- A timeline entry for a new downtime window ('window'): a planner moves a
-- preventive request's planned start or length, and the request's timeline
-- says who, when, from and to. The kind list matches
-- domain::maintenance::TIMELINE_KINDS (server/tests/schema checks this).
-- The SQLite tree rebuilds the table to the same constraint.

ALTER TABLE maintenance_events DROP CONSTRAINT maintenance_events_kind_check;
ALTER TABLE maintenance_events ADD CONSTRAINT maintenance_events_kind_check CHECK (kind IN (
    'created', 'acknowledge', 'start', 'wait_for_parts', 'resume', 'resolve', 'close', 'cancel',
    'breach', 'escalation', 'window'));
