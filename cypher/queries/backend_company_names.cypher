// The Chinese names of the companies $ids lists, so that `chainkg gaps --backend neo4j` prints
// the local firms and partners by name as the embedded `gaps` does.
// Parameters:
//   $ids  company ids (null gives no rows)
MATCH (c:Company)
WHERE c.id IN $ids
RETURN c.id AS id, c.name AS name
ORDER BY id
