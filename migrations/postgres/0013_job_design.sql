-- The embroidery design a job stitches (from its routing step at release),
-- so the changeover suggestion can group an embroidery centre's waiting
-- jobs by thread colours and hoop. NULL for every other kind of step.
ALTER TABLE jobs ADD COLUMN design_id BIGINT REFERENCES embroidery_designs(id);
CREATE INDEX jobs_design ON jobs(design_id) WHERE design_id IS NOT NULL;
