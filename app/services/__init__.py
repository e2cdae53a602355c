"""Use cases: load rows, call the domain, store the result."""
