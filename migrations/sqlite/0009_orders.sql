-- Sales orders (issue 8): an order per customer PO with its lines, one line
-- per variant (a size × colour grid is stored as one line per non-zero
-- cell). Status CHECK = domain::orders::OrderStatus. Dates are plant-local
-- calendar days as 'YYYY-MM-DD' text (they sort and compare as dates);
-- quantities integer millionths (domain::master::Qty), money integer minor
-- units, times UTC ms. On confirmation each line pins the BOM version its
-- item had (`bom_id`); that version is frozen from then on.

-- The order-number sequence: the last number given per year (SO-2026-0001).
-- Bumped with an upsert inside the creating transaction, so numbers are
-- dense and never given twice.
CREATE TABLE sales_order_numbers (
    year INTEGER PRIMARY KEY CHECK (year BETWEEN 1 AND 9999),
    last_no INTEGER NOT NULL CHECK (last_no >= 1)
);

CREATE TABLE sales_orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    customer_ref TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('draft', 'confirmed', 'in_production', 'shipped', 'closed', 'cancelled')),
    due_date TEXT NOT NULL,
    -- lower(number, customer code and name, customer_ref), for `q`.
    search_text TEXT NOT NULL,
    -- Kept with the lines, so the list never sums them.
    line_count INTEGER NOT NULL DEFAULT 0 CHECK (line_count >= 0),
    total_qty_millionths INTEGER NOT NULL DEFAULT 0 CHECK (total_qty_millionths >= 0),
    total_minor INTEGER NOT NULL DEFAULT 0 CHECK (total_minor >= 0),
    created_by INTEGER REFERENCES users(id),
    confirmed_at INTEGER,
    started_at INTEGER,
    shipped_at INTEGER,
    closed_at INTEGER,
    cancelled_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- The list's orders: soonest due first, overall, per status and per customer.
CREATE INDEX sales_orders_due ON sales_orders(due_date, id);
CREATE INDEX sales_orders_status_due ON sales_orders(status, due_date, id);
CREATE INDEX sales_orders_customer_due ON sales_orders(customer_id, due_date, id);

CREATE TABLE sales_order_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL REFERENCES sales_orders(id),
    line_no INTEGER NOT NULL CHECK (line_no >= 1),
    item_id INTEGER NOT NULL REFERENCES items(id),
    -- domain::master::Variant::key: 'colour=red;size=M', '' without variants.
    variant_key TEXT NOT NULL,
    qty_millionths INTEGER NOT NULL CHECK (qty_millionths > 0),
    unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    due_date TEXT,
    -- The BOM version pinned on confirmation; NULL before, or for bought-in goods.
    bom_id INTEGER REFERENCES boms(id),
    note TEXT NOT NULL DEFAULT '',
    -- One line per variant per order (line numbers are renumbered on edits,
    -- so they are indexed, not unique).
    UNIQUE (order_id, item_id, variant_key)
);
CREATE INDEX sales_order_lines_order ON sales_order_lines(order_id, line_no);
CREATE INDEX sales_order_lines_item ON sales_order_lines(item_id, order_id);
CREATE INDEX sales_order_lines_bom ON sales_order_lines(bom_id);
