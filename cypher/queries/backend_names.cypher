// The ids and Chinese names of one label's nodes, so that `--backend neo4j` accepts the same
// filter values as the local commands (ids or names) and names the allowed ones when a value
// matches nothing. Used by `chainkg gaps/rank --backend neo4j`.
// Parameters:
//   $label  Field, Chain or Segment (null gives no rows)
MATCH (n)
WHERE $label IN labels(n)
RETURN n.id AS id, n.name AS name
ORDER BY id
