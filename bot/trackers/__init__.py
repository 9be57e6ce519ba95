"""Conversation trackers and locks in Redis, with per-turn cost independent of history."""
