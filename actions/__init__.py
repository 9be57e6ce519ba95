"""Custom actions served by the Rasa action server (`rasa run actions --actions actions`)."""
