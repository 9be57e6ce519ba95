"""Models trained from the console: the registry, the one-at-a-time training lock, the trainer
process and its progress, the regression gate, and Rasa's model server (see README, "Retraining")."""
