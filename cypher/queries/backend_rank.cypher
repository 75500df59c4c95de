// The prospect ranking's components, computed on the server from the pushed graph with the
// formulas of chainkg.ranking: gap_fit (noisy-or over the gaps a company fills), capability,
// chain_pull, partner_proximity (the nearest local firm or strategic partner over company
// relations) and geography. Used by `chainkg rank --backend neo4j`; Python rounds,
// weights, sorts, applies --top and words the reasons.
// Parameters:
//   $settings          RankSettings as a map: weights, role_fit, capability {…}, chain_pull {…}, max_hops, geography {…}
//   $gaps              the gap segments considered: [{id, severity}] (from backend_diagnosis, filtered)
//   $statuses          every segment's status: {segment id: status}
//   $provinces         provinces to keep, or null for all
//   $include_pipeline  also keep companies whose project has landed
//   $landed            the landed project stages
//   $stage_order       project stages, least advanced first
MATCH (region:Region)
WITH region.province AS home LIMIT 1
UNWIND $gaps AS gap
MATCH (c:Company)-[o:OPERATES_IN]->(:Segment {id: gap.id})
WHERE NOT c.is_local
WITH home, c, gap, o ORDER BY gap.severity DESC, gap.id
WITH home, c, collect({id: gap.id, severity: gap.severity, role: coalesce(o.role, 'core'),
                       fit: coalesce($settings.role_fit[coalesce(o.role, 'core')], 0.0)}) AS fills
WITH home, c, fills,
     COLLECT { MATCH (p:Project)-[:BY]->(c) RETURN p.stage } AS stages
WITH home, c, fills, last([s IN $stage_order WHERE s IN stages]) AS stage
WHERE ($include_pipeline OR stage IS NULL OR NOT stage IN $landed)
  AND ($provinces IS NULL OR c.province IN $provinces)
WITH home, c, fills, stage, $settings.capability AS cap, $settings.chain_pull AS pull, $settings.geography AS geo
// capability: weighted mean of the signals known (unknown scale and ownership drop out).
WITH home, c, fills, stage, pull, geo,
     [x IN [
        CASE WHEN cap.scale[c.scale] IS NOT NULL THEN [cap.scale_part, cap.scale[c.scale]] END,
        [cap.listed_part, CASE WHEN size(coalesce(c.listed, [])) > 0 THEN 1.0 ELSE 0.0 END],
        [cap.tags_part, reduce(b = 0.0, t IN coalesce(c.tags, []) |
                               CASE WHEN coalesce(cap.tags[t], 0.0) > b THEN cap.tags[t] ELSE b END)],
        CASE WHEN c.ownership IS NOT NULL THEN [cap.ownership_part, coalesce(cap.ownership[c.ownership], 0.0)] END
      ] WHERE x IS NOT NULL] AS parts,
     COLLECT { MATCH (c)-[r:SUPPLIES|CUSTOMER_OF|SUBSIDIARY_OF|INVESTS_IN|PARTNERS_WITH|COOPERATES_WITH]-(l:Company)
               WHERE l.is_local AND l <> c
               RETURN {type: type(r), outgoing: startNode(r) = c, id: l.id, company: l.name} } AS local_relations,
     // Every FEEDS edge touching one of the company's segments: the 本地需求/本地配套 reasons.
     COLLECT { MATCH (c)-[:OPERATES_IN]->(s:Segment)-[f:FEEDS]-(:Segment)
               RETURN {segment: s.id, segment_name: s.name, source: startNode(f).id, target: endNode(f).id} } AS feeds,
     COLLECT { MATCH (c)-[:OPERATES_IN]->(:Segment)-[:FEEDS]-(n:Segment)
               RETURN DISTINCT n.id } AS neighbours,
     // The channel: the nearest local firm or strategic partner over company relations, as the
     // networkx path's multi-source BFS finds it: fewest hops, then the smallest ids read from
     // the target towards the company. One breadth-first search per company (ALL SHORTEST with an
     // open end), not one shortest-path search per pair. The quantifier cannot be a parameter:
     // chainkg.graphdb.backend writes $settings.max_hops into it (here 6, the largest allowed).
     COLLECT { MATCH p = ALL SHORTEST (c)(()-[:SUPPLIES|CUSTOMER_OF|SUBSIDIARY_OF|INVESTS_IN|PARTNERS_WITH|COOPERATES_WITH]-(:Company)){1,6}(a:Company WHERE a.is_local OR a.is_partner)
               WHERE NOT c.is_partner AND length(p) <= $settings.max_hops
               WITH a, p ORDER BY length(p), [n IN reverse(nodes(p)) | n.id] LIMIT 1
               RETURN {hops: length(p), target_id: a.id, target: a.name, local: a.is_local,
                       path: [n IN nodes(p) | n.name]} } AS channels
WITH home, c, fills, stage, pull, geo, parts, local_relations, feeds, channels,
     reduce(w = 0.0, n IN neighbours | w + CASE $statuses[n] WHEN 'strong' THEN pull.strong_neighbour
                                                     WHEN 'weak' THEN pull.weak_neighbour ELSE 0.0 END) AS feed_weight,
     reduce(best = 0.0, r IN local_relations |
            CASE WHEN r.type IN ['SUPPLIES', 'CUSTOMER_OF'] AND pull.supply_relation > best THEN pull.supply_relation
                 WHEN NOT r.type IN ['SUPPLIES', 'CUSTOMER_OF'] AND pull.other_relation > best THEN pull.other_relation
                 ELSE best END) AS relation
WITH c, fills, stage, local_relations, feeds, channels, home, geo, relation, feed_weight,
     reduce(t = 0.0, x IN parts | t + x[0]) AS cap_total,
     reduce(t = 0.0, x IN parts | t + x[0] * x[1]) AS cap_sum,
     CASE WHEN coalesce(c.province, '') = '' THEN 0.0
          WHEN c.province = home THEN geo.same_province
          WHEN c.province IN geo.neighbours THEN geo.neighbour_province
          ELSE 0.0 END AS geography
RETURN c.id AS company_id, c.name AS company, coalesce(c.province, '') AS province,
       coalesce(c.city, '') AS city, stage AS pipeline_stage,
       {name: c.name, province: coalesce(c.province, ''), scale: c.scale, listed: coalesce(c.listed, []),
        tags: coalesce(c.tags, []), ownership: c.ownership, is_partner: c.is_partner} AS facts,
       fills, local_relations, feeds, channels,
       1.0 - reduce(r = 1.0, f IN fills | r * (1.0 - f.severity * f.fit)) AS gap_fit,
       CASE WHEN cap_total = 0 THEN 0.0 ELSE cap_sum / cap_total END AS capability,
       1.0 - (1.0 - relation) * (1.0 - (1.0 - 0.5 ^ feed_weight)) AS chain_pull,
       CASE WHEN c.is_partner THEN 1.0 WHEN size(channels) = 0 THEN 0.0
            ELSE 1.0 / channels[0].hops END AS partner_proximity,
       geography
ORDER BY company_id
