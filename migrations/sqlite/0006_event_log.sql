-- The durable event log (outbox), its sequence counter and the leases that
-- let one server process of several run a background job.
--
-- events.seq comes from the one-row event_seq counter, bumped inside the
-- writing transaction: the row lock serialises event writers until commit,
-- so the commit order is the seq order and a reader polling `seq > last`
-- never skips a row that commits later (a SERIAL would allow that).

CREATE TABLE event_seq (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq INTEGER NOT NULL
);
INSERT INTO event_seq (id, last_seq) VALUES (1, 0);

CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    topic TEXT NOT NULL CHECK (topic IN ('admin', 'master', 'orders', 'ppic', 'warehouse', 'purchasing',
        'quality', 'maintenance', 'finance', 'import_export', 'dashboard', 'whatsapp')),
    entity_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'transitioned', 'deleted', 'breached', 'escalated')),
    created_at INTEGER NOT NULL,
    payload TEXT
);
CREATE INDEX events_created_at ON events(created_at);

CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
