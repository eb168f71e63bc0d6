"""The domain: a validated case, the decision it gets, and the texts that explain it."""
