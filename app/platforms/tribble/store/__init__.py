"""Tribble's own tables: the only part of the platform that runs SQL (one module per resource)."""
