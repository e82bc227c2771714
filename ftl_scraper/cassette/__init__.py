"""Recorded FTL responses: the on-disk format, the record/replay middleware, the shipped recordings."""
