"""The center service (embedded SQLite by default)."""
