"""Request and response shapes of the HTTP contract (separate from the ORM tables)."""
