-- Master data (issue 8): units and their conversions, items with their
-- variant attributes, work centres with shift calendars, machines' embroidery
-- figures, customers, suppliers, embroidery designs and their files.
--
-- Every entity has a unique code, a version (bumped on each edit, for
-- optimistic concurrency), and `archived_at` instead of deletion: a row that
-- anything refers to is archived, never deleted. Quantities are integer
-- millionths (domain::master::Qty), money integer minor units, times UTC ms.

CREATE TABLE units (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- lower(code || ' ' || name), for prefix and word search (as on every master table).
    search_text TEXT NOT NULL,
    archived_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX units_search ON units(search_text);

-- 1 `from` = factor × `to` (1 roll = 50 m: from roll, to m, factor 50 000 000).
CREATE TABLE unit_conversions (
    id BIGSERIAL PRIMARY KEY,
    from_unit_id BIGINT NOT NULL REFERENCES units(id),
    to_unit_id BIGINT NOT NULL REFERENCES units(id),
    factor_millionths BIGINT NOT NULL CHECK (factor_millionths > 0),
    created_at BIGINT NOT NULL,
    UNIQUE (from_unit_id, to_unit_id)
);

CREATE TABLE embroidery_designs (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    stitch_count BIGINT NOT NULL CHECK (stitch_count > 0),
    colour_changes BIGINT NOT NULL CHECK (colour_changes >= 0),
    -- JSON array of thread colour names, in stitching order.
    thread_colours TEXT NOT NULL,
    hoop TEXT NOT NULL,
    archived_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX embroidery_designs_search ON embroidery_designs(search_text);

-- Files kept with a record (an embroidery design's stitch file today).
CREATE TABLE attachments (
    id BIGSERIAL PRIMARY KEY,
    owner TEXT NOT NULL CHECK (owner IN ('embroidery_design')),
    owner_id BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes >= 0),
    sha256 TEXT NOT NULL,
    data BYTEA NOT NULL,
    uploaded_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_owner ON attachments(owner, owner_id);

CREATE TABLE items (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- lower(code || ' ' || name), for prefix and word search.
    search_text TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('raw', 'component', 'finished')),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    standard_cost_minor BIGINT NOT NULL CHECK (standard_cost_minor >= 0),
    -- JSON array of {name, values}: the variant attributes and their allowed values.
    attributes TEXT NOT NULL,
    embroidery_design_id BIGINT REFERENCES embroidery_designs(id),
    archived_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX items_search ON items(search_text);
CREATE INDEX items_kind_code ON items(kind, code);

-- Work centres existed as (id, code, name); they gain a kind, a shift
-- calendar, parallel capacity and a labour rate.
ALTER TABLE work_centres ADD COLUMN kind TEXT NOT NULL DEFAULT 'general';
ALTER TABLE work_centres ADD COLUMN parallel_capacity BIGINT NOT NULL DEFAULT 1 CHECK (parallel_capacity BETWEEN 1 AND 100);
ALTER TABLE work_centres ADD COLUMN labour_rate_minor_per_hour BIGINT NOT NULL DEFAULT 0 CHECK (labour_rate_minor_per_hour >= 0);
-- Working minutes per weekday, Monday first, and when the day's shift starts.
ALTER TABLE work_centres ADD COLUMN mon_minutes BIGINT NOT NULL DEFAULT 480 CHECK (mon_minutes BETWEEN 0 AND 1440);
ALTER TABLE work_centres ADD COLUMN tue_minutes BIGINT NOT NULL DEFAULT 480 CHECK (tue_minutes BETWEEN 0 AND 1440);
ALTER TABLE work_centres ADD COLUMN wed_minutes BIGINT NOT NULL DEFAULT 480 CHECK (wed_minutes BETWEEN 0 AND 1440);
ALTER TABLE work_centres ADD COLUMN thu_minutes BIGINT NOT NULL DEFAULT 480 CHECK (thu_minutes BETWEEN 0 AND 1440);
ALTER TABLE work_centres ADD COLUMN fri_minutes BIGINT NOT NULL DEFAULT 480 CHECK (fri_minutes BETWEEN 0 AND 1440);
ALTER TABLE work_centres ADD COLUMN sat_minutes BIGINT NOT NULL DEFAULT 0 CHECK (sat_minutes BETWEEN 0 AND 1440);
ALTER TABLE work_centres ADD COLUMN sun_minutes BIGINT NOT NULL DEFAULT 0 CHECK (sun_minutes BETWEEN 0 AND 1440);
ALTER TABLE work_centres ADD COLUMN day_start_minute BIGINT NOT NULL DEFAULT 420 CHECK (day_start_minute BETWEEN 0 AND 1439);
ALTER TABLE work_centres ADD COLUMN archived_at BIGINT;
ALTER TABLE work_centres ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE work_centres ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE work_centres ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE work_centres ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE work_centres SET search_text = lower(code || ' ' || name);
CREATE INDEX work_centres_search ON work_centres(search_text);

-- Whole days the work centre does not work (plant holidays are entered per work centre).
CREATE TABLE work_centre_holidays (
    work_centre_id BIGINT NOT NULL REFERENCES work_centres(id),
    day TEXT NOT NULL,
    PRIMARY KEY (work_centre_id, day)
);

-- One-off closures: [start, end) in UTC ms.
CREATE TABLE work_centre_closures (
    id BIGSERIAL PRIMARY KEY,
    work_centre_id BIGINT NOT NULL REFERENCES work_centres(id),
    start_ms BIGINT NOT NULL,
    end_ms BIGINT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    CHECK (end_ms > start_ms)
);
CREATE INDEX work_centre_closures_wc ON work_centre_closures(work_centre_id, start_ms);

-- Embroidery machines: their speed and number of heads (NULL on other machines).
ALTER TABLE machines ADD COLUMN stitches_per_minute BIGINT CHECK (stitches_per_minute > 0);
ALTER TABLE machines ADD COLUMN heads BIGINT CHECK (heads > 0);
ALTER TABLE machines ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE machines ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
-- Archived (retired) machines: `active` = 0 and `archived_at` set, kept in step.
ALTER TABLE machines ADD COLUMN archived_at BIGINT;
ALTER TABLE machines ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE machines SET search_text = lower(code || ' ' || name), archived_at = CASE WHEN active = 0 THEN created_at END;
CREATE INDEX machines_search ON machines(search_text);

CREATE TABLE customers (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    archived_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX customers_search ON customers(search_text);

CREATE TABLE suppliers (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    lead_time_days BIGINT NOT NULL DEFAULT 0 CHECK (lead_time_days >= 0),
    archived_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX suppliers_search ON suppliers(search_text);
