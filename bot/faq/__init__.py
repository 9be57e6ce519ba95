"""FAQ answers: the texts (answers.yml), sub-question choice, calculators, follow-ups.

Nothing here imports Rasa, so the same code serves the Rasa server's answer generator
(bot/faq/nlg.py), the tests and the benchmark.
"""
