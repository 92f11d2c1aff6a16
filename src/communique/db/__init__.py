"""The database file: its schema (models and migrations), the one place that connects, checks
and copies. Imports only `errors` and `resources` from the rest of communique."""
