-- Bills of materials (issue 8). One BOM per style (item), never a copy per
-- variant: its lines, routing and variant overrides are one JSON document
-- (domain::bom::Bom), validated on every save. Versions: each save of a BOM
-- that an order has used (`frozen_at` set) writes a new version; orders keep
-- the version row they were made from. `bom_components` indexes every
-- component item a version names (base lines and overrides), for where-used,
-- search and "never archive what is referenced".

CREATE TABLE boms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL REFERENCES items(id),
    version INTEGER NOT NULL CHECK (version >= 1),
    -- 1 on the version new orders use; exactly one per item.
    is_current INTEGER NOT NULL CHECK (is_current IN (0, 1)),
    -- Set when an order first uses this version: from then on it never changes.
    frozen_at INTEGER,
    body TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    -- Bumped on each in-place edit of an unfrozen version (optimistic concurrency).
    revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
    UNIQUE (item_id, version)
);
CREATE UNIQUE INDEX boms_one_current ON boms(item_id) WHERE is_current = 1;
CREATE INDEX boms_current_item ON boms(is_current, item_id);

CREATE TABLE bom_components (
    bom_id INTEGER NOT NULL REFERENCES boms(id),
    component_item_id INTEGER NOT NULL REFERENCES items(id),
    PRIMARY KEY (bom_id, component_item_id)
);
CREATE INDEX bom_components_component ON bom_components(component_item_id, bom_id);
