"""Work that is neither HTTP nor SQL: media probing, uploads, buckets, CSV, charts, webhooks."""
