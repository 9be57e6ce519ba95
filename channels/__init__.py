"""Input channels: how workers' messages reach the Rasa server."""
