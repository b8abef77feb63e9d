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

CREATE TRIGGER catalog_version_units AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

CREATE TRIGGER catalog_version_items AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON items
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

CREATE TRIGGER catalog_version_work_centres AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON work_centres
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

CREATE TRIGGER catalog_version_machines AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON machines
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

CREATE TRIGGER catalog_version_embroidery_designs AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON embroidery_designs
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

CREATE TRIGGER catalog_version_boms AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON boms
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

CREATE TRIGGER catalog_version_bom_components AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON bom_components
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

-- Decoded BOM bodies are kept by (id, revision) (service/src/bom/cache.rs):
-- a body never changes without its revision.
CREATE FUNCTION boms_body_needs_revision() RETURNS trigger AS $$
BEGIN
    IF NEW.body IS DISTINCT FROM OLD.body AND NEW.revision = OLD.revision THEN
        RAISE EXCEPTION 'boms.body changed without a new revision';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER boms_body_needs_revision BEFORE UPDATE OF body ON boms
    FOR EACH ROW EXECUTE FUNCTION boms_body_needs_revision();
