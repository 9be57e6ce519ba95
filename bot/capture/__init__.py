"""Capture of every worker message with what the bot made of it (issue 12).

`broker.py` is a Rasa event broker that turns each turn's events into one record
(`record.py`) and appends it to a bounded Redis Stream (`writer.py`); the stream's fields are
the contract other parts read (`stream.py`, the NLU inbox, the insight pages). The inbox groups
and filters them (`grouping.py`); admins' annotations (`annotations.py`) become Rasa training
examples and a held-out test set (`export.py`, numbers from `synthetic.py`). A worker's records
are exported, erased and swept with their conversation (`personal_data.py`).
"""
