"""What rule authors run: check, test (scenarios), diff and explain."""
