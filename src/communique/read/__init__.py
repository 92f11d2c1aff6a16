"""The read side: filters, listings, full-text search, export, and the read-only sandbox of
`communique query`. Never imports `load`."""
