"""The SQL layer: every query of the app lives in these modules (one per resource).
Functions take an open connection and plain values and return plain dicts."""
