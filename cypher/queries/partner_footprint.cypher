// Partners' footprint: for each strategic partner (战略伙伴) of the region, the segments it
// operates in with their gap status, and the companies it is related to.
// Parameters: none
MATCH (:Region)-[pw:PARTNERS_WITH]->(c:Company)
OPTIONAL MATCH (c)-[:OPERATES_IN]->(s:Segment)
WITH pw, c, s ORDER BY s.id
WITH pw, c, collect(s.id) AS segments,
     collect(CASE WHEN s.status IN ['weak', 'missing', 'broken'] THEN s.id END) AS gap_segments
OPTIONAL MATCH (c)-[:SUPPLIES|CUSTOMER_OF|SUBSIDIARY_OF|INVESTS_IN|PARTNERS_WITH|COOPERATES_WITH]-(other:Company)
WITH pw, c, segments, gap_segments, other ORDER BY other.id
RETURN c.id AS company_id, c.name AS company, pw.agreement AS agreement, pw.year AS year,
       segments, gap_segments, collect(DISTINCT other.id) AS related_companies
ORDER BY company_id
