"""The load pipeline: extraction in worker processes, rows written in batches by one writer,
the full-text indexes caught up per batch; and what rewrites stored rows (reparse, forget)."""
