"""Deciding: three-valued logic, the priority policy, the compiler and the durable_rules
adapter (`durable.py`, the only module that imports durable_rules)."""
