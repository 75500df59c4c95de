// The diagnosis of every segment (强链/弱链/缺链/断链, severity, 延链), computed on the server
// from the pushed graph — the same formulas as chainkg.analysis.diagnosis (see its docstring and the
// README). Used by `chainkg gaps --backend neo4j`; rounding and sorting are done in Python.
// Parameters:
//   $settings  DiagnosisSettings as a map: role, scale, strong_threshold, severity {…}
//   $fields    field ids to keep, or null for all
//   $chains    chain ids to keep, or null for all
//   $stages    stages to keep, or null for all
//   $statuses  statuses to keep, or null for all
MATCH (s:Segment)-[:IN_CHAIN]->(ch:Chain)-[:IN_FIELD]->(f:Field)
OPTIONAL MATCH (s)-[:PART_OF]->(parent:Segment)
// A parent counts the companies of all its sub-segments.
MATCH (m:Segment)-[:PART_OF*0..]->(s)
WITH s, ch, f, parent, collect(DISTINCT m) AS members
CALL (members) {
  UNWIND members AS m
  MATCH (c:Company)-[o:OPERATES_IN]->(m)
  // A company in several sub-segments counts once, with its strongest role.
  WITH c, max(coalesce($settings.role[coalesce(o.role, 'core')], 0.0)) AS role_weight
  RETURN collect(CASE WHEN c.is_local THEN c.id END) AS local_ids,
         sum(CASE WHEN c.is_local THEN role_weight * coalesce($settings.scale[c.scale], 0.0) ELSE 0.0 END) AS strength,
         collect(CASE WHEN NOT c.is_local AND c.is_partner THEN c.id END) AS partner_ids,
         count(CASE WHEN NOT c.is_local THEN 1 END) AS candidates
}
WITH collect({s: s, ch: ch, f: f, parent: parent, members: members, local_ids: local_ids,
              strength: strength, partner_ids: partner_ids, candidates: candidates}) AS rows
WITH rows, [r IN rows WHERE size(r.local_ids) > 0 | r.s] AS present,
     [r IN rows WHERE size(r.local_ids) > 0 AND round(r.strength, 9) >= $settings.strong_threshold | r.s.id] AS strong_ids
UNWIND rows AS r
WITH r, present, strong_ids, rows,
     // Has a FEEDS path of at least one edge from / to a segment with local presence.
     EXISTS { MATCH (p:Segment)-[:FEEDS*1..]->(x:Segment) WHERE p IN present AND x IN r.members } AS has_up,
     EXISTS { MATCH (x:Segment)-[:FEEDS*1..]->(p:Segment) WHERE p IN present AND x IN r.members } AS has_down,
     // Lifted FEEDS neighbours: edges between the subtree and the rest of the graph.
     COLLECT { MATCH (x:Segment)-[:FEEDS]->(v:Segment) WHERE x IN r.members AND NOT v IN r.members
               RETURN DISTINCT v.id } AS fed,
     COLLECT { MATCH (u:Segment)-[:FEEDS]->(x:Segment) WHERE x IN r.members AND NOT u IN r.members
               RETURN DISTINCT u.id } AS feeding
WITH r, has_up, has_down, strong_ids, fed, feeding,
     CASE WHEN size(r.local_ids) = 0 AND has_up AND has_down THEN 'broken'
          WHEN size(r.local_ids) = 0 THEN 'missing'
          WHEN round(r.strength, 9) >= $settings.strong_threshold THEN 'strong'
          ELSE 'weak' END AS status,
     size(reduce(acc = [], x IN [y IN rows WHERE y.s.id IN fed] |
                 acc + [c IN x.local_ids WHERE NOT c IN acc])) AS dependents
WITH r, has_up, has_down, status, dependents, $settings.severity AS sev,
     CASE WHEN status IN ['missing', 'broken']
          THEN [n IN fed + [u IN feeding WHERE NOT u IN fed] WHERE n IN strong_ids] ELSE [] END AS extends
WITH r, has_up, has_down, status, dependents, sev, extends,
     CASE status WHEN 'strong' THEN 0.0 WHEN 'missing' THEN sev.missing WHEN 'broken' THEN sev.broken
          // weak: thinner presence is more severe
          ELSE sev.weak_min + (sev.weak_max - sev.weak_min) * (1.0 - r.strength / $settings.strong_threshold)
     END AS factor,
     sev.segment_weight + sev.chain_priority + sev.dependence AS total,
     toFloat(dependents) / (dependents + sev.dependence_half) AS dependence
WHERE ($fields IS NULL OR r.f.id IN $fields) AND ($chains IS NULL OR r.ch.id IN $chains)
  AND ($stages IS NULL OR r.s.stage IN $stages) AND ($statuses IS NULL OR status IN $statuses)
RETURN r.s.id AS segment_id, r.s.name AS segment, r.ch.id AS chain_id, r.ch.name AS chain,
       r.f.id AS field_id, r.f.name AS field, r.s.stage AS stage, r.parent.id AS parent_id,
       status,
       CASE WHEN total = 0 THEN 0.0
            ELSE factor * ((sev.segment_weight * r.s.weight + sev.chain_priority * r.ch.priority
                            + sev.dependence * dependence) / total) END AS severity,
       r.strength AS strength, r.local_ids AS local_companies, r.partner_ids AS partner_companies,
       r.candidates AS candidate_count, extends, dependents AS dependent_local_companies,
       has_up AS has_local_upstream, has_down AS has_local_downstream
