// The relation paths from a company to local firms (本地企业) and strategic partners (战略伙伴):
// the shortest path over company relations to each of them, at most $max_hops hops.
// Parameters:
//   $company   company id, e.g. sinomach
//   $max_hops  longest path to report (default 3, from 1 to 6)
MATCH (start:Company {id: $company})
MATCH (t:Company)
WHERE t <> start AND (t.is_local OR t.is_partner)
MATCH p = shortestPath((start)-[:SUPPLIES|CUSTOMER_OF|SUBSIDIARY_OF|INVESTS_IN|PARTNERS_WITH|COOPERATES_WITH*..6]-(t))
WHERE all(n IN nodes(p) WHERE n:Company)
WITH t, p
WHERE length(p) <= coalesce($max_hops, 3)
RETURN t.id AS target_id, t.name AS target,
       CASE WHEN t.is_local THEN '本地企业' ELSE '战略伙伴' END AS target_kind,
       length(p) AS hops, [n IN nodes(p) | n.name] AS path, [r IN relationships(p) | type(r)] AS relations
ORDER BY hops, target_id
