"""The webhook gateway: owns RASA_PORT, forwards to the Rasa server, answers by itself while
Rasa is down or restarting (see app.py)."""
