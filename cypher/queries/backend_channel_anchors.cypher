// The anchors of partner_proximity's channel search: every local firm and strategic partner,
// level 0 of the breadth-first search chainkg.graphdb.backend runs level by level
// (backend_channel_step) before backend_rank. One list, not one row per company: the driver
// reads a single record.
// Parameters: none
MATCH (a:Company)
WHERE a.is_local OR a.is_partner
RETURN collect(a.id) AS ids
