// The companies whose id, full name or one of whose aliases is exactly $text, so that
// `chainkg neo4j query` takes a company by id, name or alias as `chainkg explain` does
// (chainkg.analysis.filters.company_by_key picks the one meant, or names the ones an alias shares).
// Parameters:
//   $text  what the user typed, trimmed
MATCH (c:Company)
WHERE c.id = $text OR c.name = $text OR $text IN coalesce(c.aliases, [])
RETURN c.id AS id, c.name AS name, coalesce(c.aliases, []) AS aliases
ORDER BY id
