// The prospects for a segment: outside companies operating in it or in its sub-segments,
// best ranked first (score and rank come from the ranking pushed with the graph).
// Parameters:
//   $segment  segment id, e.g. robotics-core-parts
MATCH (target:Segment {id: $segment})
MATCH (sub:Segment)-[:PART_OF*0..]->(target)
MATCH (c:Company)-[o:OPERATES_IN]->(sub)
WHERE NOT c.is_local
WITH c, collect(DISTINCT sub.id) AS segments, collect(DISTINCT o.role) AS roles
RETURN c.id AS company_id, c.name AS company, c.province AS province, c.rank AS rank,
       c.score AS score, segments, roles
ORDER BY coalesce(rank, 1000000000), company_id
