"""Storage: ports (Protocols), in-memory fakes, and the SQL adapters in `sql/`."""
