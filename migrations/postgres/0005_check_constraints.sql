-- Enum-like columns accept only the values the Rust enums know, so a typo in
-- SQL or a bad import cannot store a status the code would have to guess at.
-- The lists match domain::maintenance::{Status, Priority, Kind, TIMELINE_KINDS}
-- and domain::perm::{Module, Action} (server/tests/schema.rs checks this);
-- booleans stored as integers are 0 or 1. The SQLite tree has the same
-- constraints under the same names.

ALTER TABLE users ADD CONSTRAINT users_active_check CHECK (active IN (0, 1));

ALTER TABLE role_permissions ADD CONSTRAINT role_permissions_module_check CHECK (module IN (
    'admin', 'master', 'orders', 'ppic', 'warehouse', 'purchasing', 'quality', 'maintenance',
    'finance', 'import_export', 'dashboard', 'whatsapp'));
ALTER TABLE role_permissions ADD CONSTRAINT role_permissions_action_check CHECK (action IN (
    'VIEW', 'CREATE', 'UPDATE', 'DELETE', 'APPROVE'));

ALTER TABLE machines ADD CONSTRAINT machines_active_check CHECK (active IN (0, 1));

ALTER TABLE sla_policies ADD CONSTRAINT sla_policies_priority_check CHECK (priority IN (
    'critical', 'high', 'medium', 'low'));

ALTER TABLE maintenance_requests ADD CONSTRAINT maintenance_requests_kind_check CHECK (kind IN (
    'breakdown', 'preventive'));
ALTER TABLE maintenance_requests ADD CONSTRAINT maintenance_requests_priority_check CHECK (priority IN (
    'critical', 'high', 'medium', 'low'));
ALTER TABLE maintenance_requests ADD CONSTRAINT maintenance_requests_status_check CHECK (status IN (
    'open', 'acknowledged', 'in_progress', 'waiting_parts', 'resolved', 'closed', 'cancelled'));

ALTER TABLE maintenance_events ADD CONSTRAINT maintenance_events_kind_check CHECK (kind IN (
    'created', 'acknowledge', 'start', 'wait_for_parts', 'resume', 'resolve', 'close', 'cancel',
    'breach', 'escalation'));
ALTER TABLE maintenance_events ADD CONSTRAINT maintenance_events_from_status_check CHECK (from_status IN (
    'open', 'acknowledged', 'in_progress', 'waiting_parts', 'resolved', 'closed', 'cancelled'));
ALTER TABLE maintenance_events ADD CONSTRAINT maintenance_events_to_status_check CHECK (to_status IN (
    'open', 'acknowledged', 'in_progress', 'waiting_parts', 'resolved', 'closed', 'cancelled'));

ALTER TABLE maintenance_request_counts ADD CONSTRAINT maintenance_request_counts_status_check CHECK (status IN (
    'open', 'acknowledged', 'in_progress', 'waiting_parts', 'resolved', 'closed', 'cancelled'));
ALTER TABLE maintenance_request_counts ADD CONSTRAINT maintenance_request_counts_priority_check CHECK (priority IN (
    'critical', 'high', 'medium', 'low'));
