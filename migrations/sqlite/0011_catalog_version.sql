-- The catalog's version: one counter bumped by triggers in every
-- transaction that changes what a BOM's explosion, cost or editor reads
-- (units, items, work centres, machines, embroidery designs, BOMs and their
-- component index), by any
-- path (the service, the CSV import, seeds and plain SQL alike). The
-- service keeps the catalogs it has loaded for stored BOMs in memory
-- (service/src/bom/cache.rs) and reuses one only while this number is the
-- one it was loaded under; the number is read before the data, so a cached
-- catalog is never older than its number, and another server process's
-- change reaches this one through the database.

CREATE TABLE catalog_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 0);

CREATE TRIGGER catalog_version_units_insert AFTER INSERT ON units
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_units_update AFTER UPDATE ON units
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_units_delete AFTER DELETE ON units
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_items_insert AFTER INSERT ON items
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_items_update AFTER UPDATE ON items
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_items_delete AFTER DELETE ON items
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_work_centres_insert AFTER INSERT ON work_centres
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_work_centres_update AFTER UPDATE ON work_centres
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_work_centres_delete AFTER DELETE ON work_centres
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_machines_insert AFTER INSERT ON machines
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_machines_update AFTER UPDATE ON machines
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_machines_delete AFTER DELETE ON machines
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_embroidery_designs_insert AFTER INSERT ON embroidery_designs
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_embroidery_designs_update AFTER UPDATE ON embroidery_designs
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_embroidery_designs_delete AFTER DELETE ON embroidery_designs
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_boms_insert AFTER INSERT ON boms
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_boms_update AFTER UPDATE ON boms
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_boms_delete AFTER DELETE ON boms
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_bom_components_insert AFTER INSERT ON bom_components
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_bom_components_update AFTER UPDATE ON bom_components
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_bom_components_delete AFTER DELETE ON bom_components
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;

-- Decoded BOM bodies are kept by (id, revision) (service/src/bom/cache.rs):
-- a body never changes without its revision.
CREATE TRIGGER boms_body_needs_revision BEFORE UPDATE OF body ON boms
WHEN NEW.body <> OLD.body AND NEW.revision = OLD.revision
BEGIN
    SELECT RAISE(ABORT, 'boms.body changed without a new revision');
END;
