"""Text processing in plain Python: sentences, names, figures, triage,
anchoring, consistency, matching and diffs. Nothing here imports Django
(an import-linter contract in pyproject.toml keeps it so)."""
