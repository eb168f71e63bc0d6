"""The rule-file format: parsed model, YAML schema and loader (no engine, no I/O beyond reading files)."""
