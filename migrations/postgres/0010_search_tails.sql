-- The master-data search index (issue 8: item search over 100,000 items).
-- A record matches `q` when q starts its search_text or starts right after
-- one of its spaces; a *tail* is the search_text from position 0 and from
-- each position after a space, cut at 100 characters
-- (domain::master::search_tails), so a search is a range scan of the
-- primary key: entity = the table AND tail >= q AND tail < q's successor.
-- Each tail also carries its record's archived flag and code, so the count
-- and the page's order by code come from the index without reading the
-- records. Written with the record in the same transaction
-- (service/src/master/search.rs); records without tails (written by plain
-- SQL) are indexed at start.
CREATE TABLE search_tails (
    -- The table the record lives in.
    entity TEXT NOT NULL CHECK (entity IN ('units', 'items', 'work_centres', 'machines', 'customers', 'suppliers', 'embroidery_designs')),
    record_id BIGINT NOT NULL,
    -- Compared as bytes ("C"), whatever the database's collation, so the
    -- range is a prefix range and the primary key's index serves it.
    tail TEXT COLLATE "C" NOT NULL,
    -- 1 when the record is archived (archived_at set).
    archived BIGINT NOT NULL CHECK (archived IN (0, 1)),
    -- The record's code, for the list's order.
    code TEXT NOT NULL,
    -- How many characters the tail shares at its start with the record's
    -- tail just before it in order: of a record's tails starting with q,
    -- the first shares fewer than q's length and the others at least that
    -- many, so a search counts each record once without DISTINCT.
    shared_prefix BIGINT NOT NULL CHECK (shared_prefix >= 0),
    -- Carried in the key's index, so a search reads the index alone.
    PRIMARY KEY (entity, tail, record_id) INCLUDE (archived, code, shared_prefix)
);
-- A record's tails, to rewrite them; and which records have none.
CREATE INDEX search_tails_record ON search_tails(entity, record_id);
