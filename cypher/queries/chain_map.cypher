// A chain's map: every segment of the chain with its position, gap status and companies.
// One row per segment, upstream first; Browser users can replace RETURN with the paths.
// Parameters:
//   $chain  chain id, e.g. robotics
MATCH (s:Segment)-[:IN_CHAIN]->(ch:Chain {id: $chain})
OPTIONAL MATCH (s)-[:PART_OF]->(parent:Segment)
OPTIONAL MATCH (c:Company)-[:OPERATES_IN]->(s)
WITH ch, s, parent, c ORDER BY c.id
WITH ch, s, parent,
     [x IN collect(c) WHERE x.is_local | x.id] AS local_companies,
     [x IN collect(c) WHERE NOT x.is_local | x.id] AS outside_companies
OPTIONAL MATCH (s)-[:FEEDS]->(next:Segment)
WITH ch, s, parent, local_companies, outside_companies, next ORDER BY next.id
RETURN ch.name AS chain, s.id AS segment_id, s.name AS segment, s.stage AS stage,
       parent.id AS parent_id, s.status AS status, s.status_label AS status_label,
       s.severity AS severity, local_companies, outside_companies,
       collect(next.id) AS feeds
ORDER BY CASE s.stage WHEN 'upstream' THEN 0 WHEN 'midstream' THEN 1 ELSE 2 END, segment_id
