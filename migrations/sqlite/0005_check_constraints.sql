-- Enum-like columns accept only the values the Rust enums know, so a typo in
-- SQL or a bad import cannot store a status the code would have to guess at.
-- The lists match domain::maintenance::{Status, Priority, Kind, TIMELINE_KINDS}
-- and domain::perm::{Module, Action} (server/tests/schema.rs checks this);
-- booleans stored as integers are 0 or 1. Same names as the PostgreSQL tree.
--
-- SQLite cannot add a CHECK to a table, so the tables are rebuilt. sqlx runs
-- this in a transaction with foreign keys ON (PRAGMA foreign_keys=OFF has no
-- effect there), so no parent is dropped while a child references it:
--   1. the new tables are created as *_new, referencing each other's new names;
--   2. rows are copied parents first (SELECT *: a column added to an old table
--      by a later-written migration makes this fail loudly instead of losing it),
--      with each AUTOINCREMENT counter;
--   3. the old tables are dropped children first, so their implicit DELETE
--      finds no referencing rows (nothing cascades, nothing is violated);
--   4. the new tables are renamed, which rewrites the references between them;
--   5. their indexes (0001, 0002) and the count triggers (0003) are recreated.
-- Tables referencing a rebuilt one must be rebuilt here too: today users,
-- machines and maintenance_requests are referenced only by tables in this list.

CREATE TABLE users_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    totp_last_step INTEGER,
    CONSTRAINT users_active_check CHECK (active IN (0, 1))
);

CREATE TABLE role_permissions_new (
    role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    module TEXT NOT NULL,
    action TEXT NOT NULL,
    PRIMARY KEY (role_id, module, action),
    CONSTRAINT role_permissions_module_check CHECK (module IN (
        'admin', 'master', 'orders', 'ppic', 'warehouse', 'purchasing', 'quality', 'maintenance',
        'finance', 'import_export', 'dashboard', 'whatsapp')),
    CONSTRAINT role_permissions_action_check CHECK (action IN (
        'VIEW', 'CREATE', 'UPDATE', 'DELETE', 'APPROVE'))
);

CREATE TABLE user_roles_new (
    user_id INTEGER NOT NULL REFERENCES users_new(id) ON DELETE CASCADE,
    role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);

CREATE TABLE sessions_new (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users_new(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);

CREATE TABLE password_resets_new (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users_new(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE TABLE machines_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    work_centre_id INTEGER REFERENCES work_centres(id),
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    CONSTRAINT machines_active_check CHECK (active IN (0, 1))
);

CREATE TABLE sla_policies_new (
    priority TEXT PRIMARY KEY,
    response_minutes INTEGER NOT NULL,
    resolution_minutes INTEGER NOT NULL,
    CONSTRAINT sla_policies_priority_check CHECK (priority IN (
        'critical', 'high', 'medium', 'low'))
);

CREATE TABLE maintenance_requests_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    machine_id INTEGER NOT NULL REFERENCES machines_new(id),
    kind TEXT NOT NULL,
    priority TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    reported_by INTEGER NOT NULL REFERENCES users_new(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    response_target_ms INTEGER NOT NULL,
    resolution_target_ms INTEGER NOT NULL,
    acknowledged_at INTEGER,
    resolved_at INTEGER,
    closed_at INTEGER,
    cancelled_at INTEGER,
    paused_since INTEGER,
    paused_total_ms INTEGER NOT NULL DEFAULT 0,
    response_breached_at INTEGER,
    resolution_breached_at INTEGER,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    next_check_at INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT maintenance_requests_kind_check CHECK (kind IN (
        'breakdown', 'preventive')),
    CONSTRAINT maintenance_requests_priority_check CHECK (priority IN (
        'critical', 'high', 'medium', 'low')),
    CONSTRAINT maintenance_requests_status_check CHECK (status IN (
        'open', 'acknowledged', 'in_progress', 'waiting_parts', 'resolved', 'closed', 'cancelled'))
);

CREATE TABLE maintenance_events_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES maintenance_requests_new(id),
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    actor_id INTEGER REFERENCES users_new(id),
    note TEXT NOT NULL DEFAULT '',
    CONSTRAINT maintenance_events_kind_check CHECK (kind IN (
        'created', 'acknowledge', 'start', 'wait_for_parts', 'resume', 'resolve', 'close', 'cancel',
        'breach', 'escalation')),
    CONSTRAINT maintenance_events_from_status_check CHECK (from_status IN (
        'open', 'acknowledged', 'in_progress', 'waiting_parts', 'resolved', 'closed', 'cancelled')),
    CONSTRAINT maintenance_events_to_status_check CHECK (to_status IN (
        'open', 'acknowledged', 'in_progress', 'waiting_parts', 'resolved', 'closed', 'cancelled'))
);

CREATE TABLE maintenance_request_counts_new (
    machine_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (machine_id, status, priority),
    CONSTRAINT maintenance_request_counts_status_check CHECK (status IN (
        'open', 'acknowledged', 'in_progress', 'waiting_parts', 'resolved', 'closed', 'cancelled')),
    CONSTRAINT maintenance_request_counts_priority_check CHECK (priority IN (
        'critical', 'high', 'medium', 'low'))
);

-- 2. Copy, parents first (the new tables have no triggers: counts are copied as they are).
INSERT INTO users_new SELECT * FROM users;
INSERT INTO role_permissions_new SELECT * FROM role_permissions;
INSERT INTO user_roles_new SELECT * FROM user_roles;
INSERT INTO sessions_new SELECT * FROM sessions;
INSERT INTO password_resets_new SELECT * FROM password_resets;
INSERT INTO machines_new SELECT * FROM machines;
INSERT INTO sla_policies_new SELECT * FROM sla_policies;
INSERT INTO maintenance_requests_new SELECT * FROM maintenance_requests;
INSERT INTO maintenance_events_new SELECT * FROM maintenance_events;
INSERT INTO maintenance_request_counts_new SELECT * FROM maintenance_request_counts;

-- AUTOINCREMENT never reuses an id, even a deleted one: keep each counter.
DELETE FROM sqlite_sequence
WHERE name IN ('users_new', 'machines_new', 'maintenance_requests_new', 'maintenance_events_new');
INSERT INTO sqlite_sequence (name, seq)
SELECT name || '_new', seq FROM sqlite_sequence
WHERE name IN ('users', 'machines', 'maintenance_requests', 'maintenance_events');

-- 3. Drop the old tables, children first (their indexes and triggers go with them).
DROP TABLE maintenance_events;
DROP TABLE maintenance_request_counts;
DROP TABLE maintenance_requests;
DROP TABLE sessions;
DROP TABLE password_resets;
DROP TABLE user_roles;
DROP TABLE role_permissions;
DROP TABLE users;
DROP TABLE machines;
DROP TABLE sla_policies;

-- 4. Rename; references to users_new, machines_new and maintenance_requests_new follow.
ALTER TABLE users_new RENAME TO users;
ALTER TABLE role_permissions_new RENAME TO role_permissions;
ALTER TABLE user_roles_new RENAME TO user_roles;
ALTER TABLE sessions_new RENAME TO sessions;
ALTER TABLE password_resets_new RENAME TO password_resets;
ALTER TABLE machines_new RENAME TO machines;
ALTER TABLE sla_policies_new RENAME TO sla_policies;
ALTER TABLE maintenance_requests_new RENAME TO maintenance_requests;
ALTER TABLE maintenance_events_new RENAME TO maintenance_events;
ALTER TABLE maintenance_request_counts_new RENAME TO maintenance_request_counts;

-- 5. Indexes as 0001 and 0002 left them, and 0003's count triggers.
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX password_resets_user ON password_resets(user_id);
CREATE INDEX mr_created ON maintenance_requests(created_at);
CREATE INDEX mr_machine ON maintenance_requests(machine_id);
CREATE INDEX mr_next_check ON maintenance_requests(next_check_at);
CREATE INDEX mr_created_id ON maintenance_requests(created_at, id);
CREATE INDEX mr_active_created ON maintenance_requests(status, created_at, id);
CREATE INDEX me_request ON maintenance_events(request_id, at);

CREATE TRIGGER mr_count_insert AFTER INSERT ON maintenance_requests
BEGIN
    INSERT INTO maintenance_request_counts (machine_id, status, priority, n)
    VALUES (NEW.machine_id, NEW.status, NEW.priority, 1)
    ON CONFLICT (machine_id, status, priority) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER mr_count_update AFTER UPDATE OF machine_id, status, priority ON maintenance_requests
WHEN OLD.machine_id <> NEW.machine_id OR OLD.status <> NEW.status OR OLD.priority <> NEW.priority
BEGIN
    UPDATE maintenance_request_counts SET n = n - 1
    WHERE machine_id = OLD.machine_id AND status = OLD.status AND priority = OLD.priority;
    INSERT INTO maintenance_request_counts (machine_id, status, priority, n)
    VALUES (NEW.machine_id, NEW.status, NEW.priority, 1)
    ON CONFLICT (machine_id, status, priority) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER mr_count_delete AFTER DELETE ON maintenance_requests
BEGIN
    UPDATE maintenance_request_counts SET n = n - 1
    WHERE machine_id = OLD.machine_id AND status = OLD.status AND priority = OLD.priority;
END;
