-- A timeline entry for a new downtime window ('window'): a planner moves a
-- preventive request's planned start or length, and the request's timeline
-- says who, when, from and to. The kind list matches
-- domain::maintenance::TIMELINE_KINDS (server/tests/schema checks this).
--
-- SQLite cannot change a CHECK, so maintenance_events is rebuilt as 0005
-- did: nothing references it, so it alone is copied (with its AUTOINCREMENT
-- counter), dropped, renamed, and its index recreated.

CREATE TABLE maintenance_events_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES maintenance_requests(id),
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    actor_id INTEGER REFERENCES users(id),
    note TEXT NOT NULL DEFAULT '',
    CONSTRAINT maintenance_events_kind_check CHECK (kind IN (
        'created', 'acknowledge', 'start', 'wait_for_parts', 'resume', 'resolve', 'close', 'cancel',
        'breach', 'escalation', 'window')),
    CONSTRAINT maintenance_events_from_status_check CHECK (from_status IN (
        'open', 'acknowledged', 'in_progress', 'waiting_parts', 'resolved', 'closed', 'cancelled')),
    CONSTRAINT maintenance_events_to_status_check CHECK (to_status IN (
        'open', 'acknowledged', 'in_progress', 'waiting_parts', 'resolved', 'closed', 'cancelled'))
);

INSERT INTO maintenance_events_new SELECT * FROM maintenance_events;

DELETE FROM sqlite_sequence WHERE name = 'maintenance_events_new';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'maintenance_events_new', seq FROM sqlite_sequence WHERE name = 'maintenance_events';

DROP TABLE maintenance_events;
ALTER TABLE maintenance_events_new RENAME TO maintenance_events;
CREATE INDEX me_request ON maintenance_events(request_id, at);
