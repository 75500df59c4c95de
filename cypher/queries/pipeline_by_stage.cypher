// The investment pipeline (招商项目) by stage: how many projects, their amount (亿元),
// and which companies and segments, from lead (线索) to operating (投产).
// Parameters: none
MATCH (p:Project)
OPTIONAL MATCH (p)-[:BY]->(c:Company)
OPTIONAL MATCH (p)-[:TARGETS]->(s:Segment)
WITH p, c, collect(s.id) AS segments
WITH p.stage AS stage, count(p) AS projects, sum(coalesce(p.amount_yi, 0.0)) AS amount_yi,
     collect(DISTINCT c.id) AS companies, collect(segments) AS segment_lists
RETURN stage, projects, amount_yi, companies,
       reduce(acc = [], l IN segment_lists | acc + [x IN l WHERE NOT x IN acc]) AS segments
ORDER BY CASE stage WHEN 'lead' THEN 0 WHEN 'contacted' THEN 1 WHEN 'negotiating' THEN 2
         WHEN 'signed' THEN 3 WHEN 'under_construction' THEN 4 ELSE 5 END
