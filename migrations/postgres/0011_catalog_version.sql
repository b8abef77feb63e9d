-- The catalog's version: one counter bumped by triggers in every
-- transaction that changes what a BOM's explosion, cost or editor reads
-- (units, items, work centres, machines, embroidery designs, BOMs), by any
-- path (the service, the CSV import, seeds and plain SQL alike). The
-- service keeps the catalogs it has loaded for stored BOMs in memory
-- (service/src/bom/cache.rs) and reuses one only while this number is the
-- one it was loaded under; the number is read before the data, so a cached
-- catalog is never older than its number, and another server process's
-- change reaches this one through the database.
--
-- Statement-level triggers: one bump per statement, however many rows.
-- The counter's row lock is held to the commit, like event_seq's.

CREATE TABLE catalog_version (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 0);

CREATE FUNCTION bump_catalog_version() RETURNS trigger AS $$
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER catalog_version_units AFTER INSERT OR UPDATE OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

CREATE TRIGGER catalog_version_items AFTER INSERT OR UPDATE OR DELETE ON items
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

CREATE TRIGGER catalog_version_work_centres AFTER INSERT OR UPDATE OR DELETE ON work_centres
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

CREATE TRIGGER catalog_version_machines AFTER INSERT OR UPDATE OR DELETE ON machines
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

CREATE TRIGGER catalog_version_embroidery_designs AFTER INSERT OR UPDATE OR DELETE ON embroidery_designs
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

CREATE TRIGGER catalog_version_boms AFTER INSERT OR UPDATE OR DELETE ON boms
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
