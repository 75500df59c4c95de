// chainkg schema: one uniqueness constraint per label on `id` (MERGE looks nodes up by it),
// plus the indexes the named queries filter on. Every statement is idempotent (IF NOT EXISTS).
CREATE CONSTRAINT chainkg_field_id IF NOT EXISTS FOR (n:Field) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chainkg_chain_id IF NOT EXISTS FOR (n:Chain) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chainkg_segment_id IF NOT EXISTS FOR (n:Segment) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chainkg_company_id IF NOT EXISTS FOR (n:Company) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chainkg_region_id IF NOT EXISTS FOR (n:Region) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chainkg_park_id IF NOT EXISTS FOR (n:Park) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chainkg_project_id IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE;
// field_gaps filters segments by field and status; segment_prospects orders by rank.
CREATE INDEX chainkg_segment_field IF NOT EXISTS FOR (n:Segment) ON (n.field);
CREATE INDEX chainkg_segment_status IF NOT EXISTS FOR (n:Segment) ON (n.status);
CREATE INDEX chainkg_company_local IF NOT EXISTS FOR (n:Company) ON (n.is_local);
CREATE INDEX chainkg_company_rank IF NOT EXISTS FOR (n:Company) ON (n.rank);
CREATE INDEX chainkg_project_stage IF NOT EXISTS FOR (n:Project) ON (n.stage);
