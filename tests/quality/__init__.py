"""The attribution gold set and its scoring (see README.md here)."""
