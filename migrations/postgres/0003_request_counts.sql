-- Request counts by machine, status and priority, kept by a trigger in the
-- transaction that changes a request, so a list's total is a sum over a few
-- hundred rows instead of a COUNT(*) over years of requests.
CREATE TABLE maintenance_request_counts (
    machine_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (machine_id, status, priority)
);

INSERT INTO maintenance_request_counts (machine_id, status, priority, n)
SELECT machine_id, status, priority, COUNT(*) FROM maintenance_requests
GROUP BY machine_id, status, priority;

CREATE FUNCTION maintenance_request_count() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE maintenance_request_counts c SET n = c.n - 1
        WHERE c.machine_id = OLD.machine_id AND c.status = OLD.status AND c.priority = OLD.priority;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO maintenance_request_counts AS c (machine_id, status, priority, n)
        VALUES (NEW.machine_id, NEW.status, NEW.priority, 1)
        ON CONFLICT (machine_id, status, priority) DO UPDATE SET n = c.n + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER mr_count_insert_delete AFTER INSERT OR DELETE ON maintenance_requests
FOR EACH ROW EXECUTE FUNCTION maintenance_request_count();

CREATE TRIGGER mr_count_update AFTER UPDATE OF machine_id, status, priority ON maintenance_requests
FOR EACH ROW
WHEN (OLD.machine_id <> NEW.machine_id OR OLD.status <> NEW.status OR OLD.priority <> NEW.priority)
EXECUTE FUNCTION maintenance_request_count();
