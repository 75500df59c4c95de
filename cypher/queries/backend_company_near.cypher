// The companies whose id or name contains $text (every company when $text is null): the
// candidates of the "是不是 …？" hint when a company named on the command line does not exist
// (chainkg.analysis.filters.unknown_company; every company is read only when none contains $text).
// Parameters:
//   $text  what the user typed, trimmed (null gives every company)
MATCH (c:Company)
WHERE $text IS NULL OR c.id CONTAINS $text OR c.name CONTAINS $text
RETURN c.id AS id, c.name AS name
ORDER BY id
