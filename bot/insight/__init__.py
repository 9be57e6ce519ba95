"""Insight (舆情研判): what workers raise, where and against whom, early warnings, and how each
district union answers (考核). Counters are updated as messages and appeals arrive (ingest.py),
pages sum a handful of counter hashes (queries.py), never scan records per page view."""
