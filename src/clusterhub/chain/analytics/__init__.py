"""Industrial-chain analytics: local sourcing rate, gaps, city roles and multi-tier dependency.

Layers, from the bottom:
- `engine`: DuckDB (and numpy) in-process over a snapshot directory (Parquet, the links as Arrow
  IPC), and the cached results.
  No Django: the benchmark runs it on synthetic national-scale data written straight to files.
- `graph`: the supplier -> customer graph in compact CSR arrays and the breadth-first walks.
- `snapshot`: exports the database tables to a new versioned snapshot and switches to it atomically.
- `oracle`: the same local sourcing rate and gap list with plain Django ORM queries (the tests'
  and the benchmark's check on the engine).
- `access`: which links a user's aggregates are computed over.
The pages, the API and the CLI call chain.services, never these modules directly.
"""
