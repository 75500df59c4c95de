// One level of partner_proximity's breadth-first search over company relations (either
// direction, through companies only): the companies related to any of $frontier. Used by
// `chainkg rank --backend neo4j` (chainkg.graphdb.backend.channel_hops), which keeps the
// visited set, sends each level in chunks and passes the distances to backend_rank.
// One list per chunk, not one row per company: the driver reads a single record; DISTINCT
// holds at most the chunk's neighbours, so the transaction's memory is bounded by the chunk.
// Parameters:
//   $frontier  company ids of one chunk of the previous level
UNWIND $frontier AS id
MATCH (:Company {id: id})-[:SUPPLIES|CUSTOMER_OF|SUBSIDIARY_OF|INVESTS_IN|PARTNERS_WITH|COOPERATES_WITH]-(n:Company)
RETURN collect(DISTINCT n.id) AS ids
