"""Use cases: each one loads through repositories, asks `bpv` to decide, and stores the result."""
