// The gaps of a field: its 弱链/缺链/断链 (weak/missing/broken) segments, most severe first,
// as diagnosed by the last `chainkg neo4j push`.
// Parameters:
//   $field  field id, e.g. intelligent-manufacturing
MATCH (s:Segment {field: $field})-[:IN_CHAIN]->(ch:Chain)
WHERE s.status IN ['weak', 'missing', 'broken']
OPTIONAL MATCH (c:Company)-[:OPERATES_IN]->(s) WHERE NOT c.is_local
RETURN s.id AS segment_id, s.name AS segment, ch.id AS chain_id, s.status AS status,
       s.status_label AS status_label, s.severity AS severity, count(DISTINCT c) AS outside_companies
ORDER BY severity DESC, segment_id
