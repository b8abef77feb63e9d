-- Request counts by machine, status and priority, kept by triggers in the
-- transaction that changes a request, so a list's total is a sum over a few
-- hundred rows instead of a COUNT(*) over years of requests.
CREATE TABLE maintenance_request_counts (
    machine_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (machine_id, status, priority)
);

INSERT INTO maintenance_request_counts (machine_id, status, priority, n)
SELECT machine_id, status, priority, COUNT(*) FROM maintenance_requests
GROUP BY machine_id, status, priority;

CREATE TRIGGER mr_count_insert AFTER INSERT ON maintenance_requests
BEGIN
    INSERT INTO maintenance_request_counts (machine_id, status, priority, n)
    VALUES (NEW.machine_id, NEW.status, NEW.priority, 1)
    ON CONFLICT (machine_id, status, priority) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER mr_count_update AFTER UPDATE OF machine_id, status, priority ON maintenance_requests
WHEN OLD.machine_id <> NEW.machine_id OR OLD.status <> NEW.status OR OLD.priority <> NEW.priority
BEGIN
    UPDATE maintenance_request_counts SET n = n - 1
    WHERE machine_id = OLD.machine_id AND status = OLD.status AND priority = OLD.priority;
    INSERT INTO maintenance_request_counts (machine_id, status, priority, n)
    VALUES (NEW.machine_id, NEW.status, NEW.priority, 1)
    ON CONFLICT (machine_id, status, priority) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER mr_count_delete AFTER DELETE ON maintenance_requests
BEGIN
    UPDATE maintenance_request_counts SET n = n - 1
    WHERE machine_id = OLD.machine_id AND status = OLD.status AND priority = OLD.priority;
END;
