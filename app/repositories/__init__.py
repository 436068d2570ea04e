"""All SQL lives here: repositories read and write rows, scoped to the caller; they never commit."""
