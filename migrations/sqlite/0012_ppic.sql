-- Production planning (issue 9): manufacturing orders, their jobs (one per
-- routing operation), the order between jobs, each job's moves, labour and
-- quantity reports. Status CHECKs = domain::ppic::{MoStatus, TaskStatus,
-- TaskAction}. Quantities integer millionths, times UTC ms, dates
-- plant-local 'YYYY-MM-DD'.

-- The MO-number sequence: the last number given per year (MO-2026-0001).
CREATE TABLE mo_numbers (
    year INTEGER PRIMARY KEY CHECK (year BETWEEN 1 AND 9999),
    last_no INTEGER NOT NULL CHECK (last_no >= 1)
);

CREATE TABLE manufacturing_orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL UNIQUE,
    item_id INTEGER NOT NULL REFERENCES items(id),
    -- The BOM version the order makes; pinned at creation, exploded at release.
    bom_id INTEGER REFERENCES boms(id),
    -- The sales order it was made for (NULL: by hand, or a child order).
    sales_order_id INTEGER REFERENCES sales_orders(id),
    -- A sub-assembly's order points at the order that needs it.
    parent_id INTEGER REFERENCES manufacturing_orders(id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'released', 'in_progress', 'completed', 'closed', 'cancelled')),
    qty_millionths INTEGER NOT NULL CHECK (qty_millionths > 0),
    good_millionths INTEGER NOT NULL DEFAULT 0 CHECK (good_millionths >= 0),
    scrap_millionths INTEGER NOT NULL DEFAULT 0 CHECK (scrap_millionths >= 0),
    start_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 100 CHECK (priority BETWEEN 0 AND 1000),
    search_text TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    released_at INTEGER,
    started_at INTEGER,
    completed_at INTEGER,
    closed_at INTEGER,
    cancelled_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX manufacturing_orders_due ON manufacturing_orders(due_date, id);
CREATE INDEX manufacturing_orders_status_due ON manufacturing_orders(status, due_date, id);
CREATE INDEX manufacturing_orders_parent ON manufacturing_orders(parent_id);
CREATE INDEX manufacturing_orders_sales_order ON manufacturing_orders(sales_order_id);
CREATE INDEX manufacturing_orders_item ON manufacturing_orders(item_id, due_date);

-- The size × colour breakdown: one row per variant.
CREATE TABLE mo_variants (
    mo_id INTEGER NOT NULL REFERENCES manufacturing_orders(id),
    variant_key TEXT NOT NULL,
    qty_millionths INTEGER NOT NULL CHECK (qty_millionths > 0),
    sales_order_line_id INTEGER REFERENCES sales_order_lines(id),
    PRIMARY KEY (mo_id, variant_key)
);

-- The material requirement list stored at release (the explosion's
-- bought-in and raw lines, summed per item and variant).
CREATE TABLE mo_materials (
    mo_id INTEGER NOT NULL REFERENCES manufacturing_orders(id),
    item_id INTEGER NOT NULL REFERENCES items(id),
    variant_key TEXT NOT NULL,
    qty_millionths INTEGER NOT NULL CHECK (qty_millionths > 0),
    PRIMARY KEY (mo_id, item_id, variant_key)
);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mo_id INTEGER NOT NULL REFERENCES manufacturing_orders(id),
    -- The operation's place in the routing (1, 2, …).
    seq INTEGER NOT NULL CHECK (seq >= 1),
    name TEXT NOT NULL,
    work_centre_id INTEGER NOT NULL REFERENCES work_centres(id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'in_progress', 'on_hold', 'completed', 'cancelled')),
    qty_millionths INTEGER NOT NULL CHECK (qty_millionths > 0),
    good_millionths INTEGER NOT NULL DEFAULT 0 CHECK (good_millionths >= 0),
    scrap_millionths INTEGER NOT NULL DEFAULT 0 CHECK (scrap_millionths >= 0),
    -- Planned working minutes (setup + run for the quantity).
    minutes INTEGER NOT NULL CHECK (minutes >= 0),
    planned_start INTEGER,
    planned_end INTEGER,
    latest_start INTEGER,
    -- Set by a Gantt move: the scheduler keeps it there.
    pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    actual_start INTEGER,
    actual_end INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (mo_id, seq)
);
CREATE INDEX jobs_status ON jobs(status, work_centre_id, planned_start);
CREATE INDEX jobs_centre_start ON jobs(work_centre_id, planned_start);

-- Quantities per variant of a job, and what was reported good and scrap.
CREATE TABLE job_variants (
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    variant_key TEXT NOT NULL,
    qty_millionths INTEGER NOT NULL CHECK (qty_millionths > 0),
    good_millionths INTEGER NOT NULL DEFAULT 0 CHECK (good_millionths >= 0),
    scrap_millionths INTEGER NOT NULL DEFAULT 0 CHECK (scrap_millionths >= 0),
    PRIMARY KEY (job_id, variant_key)
);

-- Job `job_id` may start only after `after_id` has ended: the previous
-- operation, or the last operation of a child order.
CREATE TABLE job_deps (
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    after_id INTEGER NOT NULL REFERENCES jobs(id),
    PRIMARY KEY (job_id, after_id),
    CHECK (job_id <> after_id)
);
CREATE INDEX job_deps_after ON job_deps(after_id);

-- Every move of a job: who, when, from, to.
CREATE TABLE job_moves (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    action TEXT NOT NULL CHECK (action IN ('approve', 'start', 'pause', 'resume', 'complete', 'cancel')),
    from_status TEXT NOT NULL CHECK (from_status IN ('draft', 'approved', 'in_progress', 'on_hold', 'completed', 'cancelled')),
    to_status TEXT NOT NULL CHECK (to_status IN ('draft', 'approved', 'in_progress', 'on_hold', 'completed', 'cancelled')),
    actor_id INTEGER REFERENCES users(id),
    at INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_moves_job ON job_moves(job_id, id);

-- Labour: each clock-on/off of an operator on a job (for costing). An
-- operator is on a job at most once at a time; several operators may be on
-- one job, and one operator on several.
CREATE TABLE labour_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE UNIQUE INDEX labour_entries_open ON labour_entries(job_id, user_id) WHERE ended_at IS NULL;
CREATE INDEX labour_entries_user ON labour_entries(user_id, started_at);
CREATE INDEX labour_entries_job ON labour_entries(job_id, started_at);

-- Quantity reports: good and scrap per variant, partial or final.
CREATE TABLE job_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    variant_key TEXT NOT NULL,
    good_millionths INTEGER NOT NULL CHECK (good_millionths >= 0),
    scrap_millionths INTEGER NOT NULL CHECK (scrap_millionths >= 0),
    actor_id INTEGER REFERENCES users(id),
    at INTEGER NOT NULL
);
CREATE INDEX job_reports_job ON job_reports(job_id, id);

-- Planned maintenance takes capacity: a preventive request's window, and a
-- breakdown's estimated duration.
ALTER TABLE maintenance_requests ADD COLUMN planned_start INTEGER;
ALTER TABLE maintenance_requests ADD COLUMN estimated_minutes INTEGER CHECK (estimated_minutes IS NULL OR estimated_minutes BETWEEN 1 AND 100000);
