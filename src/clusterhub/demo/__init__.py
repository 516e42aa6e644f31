"""The bundled reference data and the real-world demo.

- reference.py: `load_reference()`, the Jilin region tree, parks, industry codes and the chain
  taxonomy, read from `clusterhub/reference/` and `chain/fixtures/` (never from outside the package).
- real.py: FAW Group, its subsidiaries and plants, and the real suppliers named in FACTS.md.
- synthetic.py: the seeded synthetic population of suppliers and supply links.
- people.py: demo organisations and users.
- loader.py: `load_demo()`, which runs all of the above idempotently.
"""
