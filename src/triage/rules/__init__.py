"""Rule files: the parsed model, the YAML schema, and the loader (no engine, no database)."""
