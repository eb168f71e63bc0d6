"""Use cases over ports: triage, feedback, replay, reports, publishing rules and catalogs."""
