"""Activity functions: each does one side effect, idempotently, keyed by ids its workflow gives."""
