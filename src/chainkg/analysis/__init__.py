"""Pure analysis: diagnosis, ranking and the shortlist, what-if, back-tests, targets, filters."""
