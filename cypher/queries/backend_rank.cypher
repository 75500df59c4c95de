// The prospect ranking's components, computed on the server from the pushed graph with the
// formulas of chainkg.analysis.ranking: gap_fit (noisy-or over the gaps a company fills), capability,
// chain_pull, partner_proximity (the nearest local firm or strategic partner over company
// relations, from $hops) and geography. Used by `chainkg rank --backend neo4j`. The score is computed here
// only to order and cut the rows (Python rounds once more, re-sorts, applies --top and words
// the reasons); the facts behind the reasons are fetched for the rows kept only.
// Parameters:
//   $settings          RankSettings as a map: weights, role_fit, capability {…}, chain_pull {…}, max_hops, geography {…}
//   $gaps              the gap segments considered: {segment id: severity} (from backend_diagnosis, filtered)
//   $statuses          every segment's status: {segment id: status}
//   $provinces         provinces to keep, or null for all
//   $include_pipeline  also keep companies whose project has landed
//   $landed            the landed project stages
//   $stage_order       project stages, least advanced first
//   $limit             return only the best this many by score (the rest is never worded)
//   $hops              {company id: hop distance to the nearest local firm or strategic partner}
//                      for every company within $settings.max_hops of one, the anchors
//                      themselves with 0 (chainkg.graphdb.backend.channel_hops: one multi-source
//                      breadth-first search, backend_channel_anchors and backend_channel_step)
MATCH (region:Region)
WITH region.province AS home LIMIT 1
// One outside company at a time, streamed: no step holds all candidates (only the final top-k
// sort does, and only $limit of them), so a million companies stay within the server's
// per-transaction memory.
MATCH (c:Company)
WHERE NOT c.is_local AND ($provinces IS NULL OR c.province IN $provinces)
WITH home, c,
     COLLECT { MATCH (c)-[o:OPERATES_IN]->(s:Segment)
               WHERE $gaps[s.id] IS NOT NULL
               WITH s, o ORDER BY $gaps[s.id] DESC, s.id
               RETURN {id: s.id, severity: $gaps[s.id], role: coalesce(o.role, 'core'),
                       fit: coalesce($settings.role_fit[coalesce(o.role, 'core')], 0.0)} } AS fills
WHERE size(fills) > 0
WITH home, c, fills,
     COLLECT { MATCH (p:Project)-[:BY]->(c) RETURN p.stage } AS stages
WITH home, c, fills, last([s IN $stage_order WHERE s IN stages]) AS stage
WHERE ($include_pipeline OR stage IS NULL OR NOT stage IN $landed)
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
               RETURN type(r) } AS local_types,
     COLLECT { MATCH (c)-[:OPERATES_IN]->(:Segment)-[:FEEDS]-(n:Segment)
               RETURN DISTINCT n.id } AS neighbours,
     // The distance to the nearest local firm or strategic partner, looked up in $hops (one
     // breadth-first search from all of them, run before this query) instead of searched per
     // company: a search from every candidate enumerates its relation paths of up to max_hops,
     // which at 100k companies with 3 relations each took most of the query's time. The map
     // has an entry per reached company (about a million at 1M companies); parameters do not
     // count against the server's per-transaction memory limit (a 2M-entry map was tried
     // under the 256 MB of scripts/neo4j-server), and each row only looks one id up.
     $hops[c.id] AS hops
WITH home, c, fills, stage, pull, geo, parts, hops,
     reduce(w = 0.0, n IN neighbours | w + CASE $statuses[n] WHEN 'strong' THEN pull.strong_neighbour
                                                     WHEN 'weak' THEN pull.weak_neighbour ELSE 0.0 END) AS feed_weight,
     reduce(best = 0.0, t IN local_types |
            CASE WHEN t IN ['SUPPLIES', 'CUSTOMER_OF'] AND pull.supply_relation > best THEN pull.supply_relation
                 WHEN NOT t IN ['SUPPLIES', 'CUSTOMER_OF'] AND pull.other_relation > best THEN pull.other_relation
                 ELSE best END) AS relation
WITH c, fills, stage, home, geo, relation, feed_weight, hops,
     reduce(t = 0.0, x IN parts | t + x[0]) AS cap_total,
     reduce(t = 0.0, x IN parts | t + x[0] * x[1]) AS cap_sum
WITH c, fills, stage,
     1.0 - reduce(r = 1.0, f IN fills | r * (1.0 - f.severity * f.fit)) AS gap_fit,
     CASE WHEN cap_total = 0 THEN 0.0 ELSE cap_sum / cap_total END AS capability,
     1.0 - (1.0 - relation) * (1.0 - (1.0 - 0.5 ^ feed_weight)) AS chain_pull,
     CASE WHEN c.is_partner THEN 1.0 WHEN hops IS NULL THEN 0.0 ELSE 1.0 / hops END AS partner_proximity,
     CASE WHEN coalesce(c.province, '') = '' THEN 0.0
          WHEN c.province = home THEN geo.same_province
          WHEN c.province IN geo.neighbours THEN geo.neighbour_province
          ELSE 0.0 END AS geography
WITH c, fills, stage, gap_fit, capability, chain_pull, partner_proximity, geography,
     round(gap_fit, 4) * $settings.weights.gap_fit + round(capability, 4) * $settings.weights.capability
     + round(chain_pull, 4) * $settings.weights.chain_pull
     + round(partner_proximity, 4) * $settings.weights.partner_proximity
     + round(geography, 4) * $settings.weights.geography AS score
ORDER BY score DESC, c.id
LIMIT $limit
// The facts behind the reasons, for the rows kept.
RETURN c.id AS company_id, c.name AS company, coalesce(c.province, '') AS province,
       coalesce(c.city, '') AS city, stage AS pipeline_stage, score,
       {name: c.name, province: coalesce(c.province, ''), scale: c.scale, listed: coalesce(c.listed, []),
        tags: coalesce(c.tags, []), ownership: c.ownership, is_partner: c.is_partner} AS facts,
       fills, gap_fit, capability, chain_pull, partner_proximity, geography,
       COLLECT { MATCH (c)-[r:SUPPLIES|CUSTOMER_OF|SUBSIDIARY_OF|INVESTS_IN|PARTNERS_WITH|COOPERATES_WITH]-(l:Company)
                 WHERE l.is_local AND l <> c
                 RETURN {type: type(r), outgoing: startNode(r) = c, id: l.id, company: l.name} } AS local_relations,
       // Every FEEDS edge touching one of the company's segments: the 本地需求/本地配套 reasons.
       COLLECT { MATCH (c)-[:OPERATES_IN]->(s:Segment)-[f:FEEDS]-(:Segment)
                 RETURN {segment: s.id, segment_name: s.name, source: startNode(f).id, target: endNode(f).id} } AS feeds,
       // The channel as the networkx path's multi-source BFS picks it: fewest hops, then the
       // smallest ids read from the target towards the company. Only shortest paths are walked:
       // each step must go one hop closer to an anchor by $hops (on a shortest path the i-th
       // node is exactly hops - i from the nearest anchor, and any such walk is a shortest
       // path), so the search never leaves the BFS levels; its length is bounded by the
       // company's own distance, hence by max_hops, whatever the literal upper bound here.
       COLLECT { MATCH p = (c)((x:Company)-[:SUPPLIES|CUSTOMER_OF|SUBSIDIARY_OF|INVESTS_IN|PARTNERS_WITH|COOPERATES_WITH]-(y:Company)
                               WHERE $hops[y.id] = $hops[x.id] - 1){1,6}(a:Company)
                 WHERE NOT c.is_partner AND $hops[a.id] = 0
                 WITH a, p ORDER BY [n IN reverse(nodes(p)) | n.id] LIMIT 1
                 RETURN {hops: length(p), target_id: a.id, target: a.name, local: a.is_local,
                         path: [n IN nodes(p) | n.name]} } AS channels
