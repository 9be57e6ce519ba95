"""The domain's utter_faq/<topic> texts are only a safety net: one per topic, no facts that
could go stale (the answers live in bot/faq/answers.yml), and every topic can be suggested back."""
import re
from pathlib import Path

import yaml

from actions.topics import TOPIC_PHRASES
from bot.faq.answers import load_answers

ROOT = Path(__file__).resolve().parents[3]
ANSWERS = load_answers()
TOPICS = set(ANSWERS.topics)
# The shipped safety nets, and those of topics admins added in the console (bot/faq/new_topic.py).
DOMAIN = {"responses": {}}
for name in ("faq.yml", "faq_admin_topics.yml"):
    path = ROOT / "bot" / "domain" / name
    if path.exists():
        DOMAIN["responses"].update(yaml.safe_load(path.read_text(encoding="utf-8"))["responses"])


def test_one_safety_net_per_answered_topic():
    assert {k.split("/", 1)[1] for k in DOMAIN["responses"]} == TOPICS


def test_safety_nets_carry_no_figures_but_the_hotline():
    for key, variants in DOMAIN["responses"].items():
        text = variants[0]["text"]
        figures = set(re.findall(r"\d+", text)) - {"12351", "010"}
        assert not figures, f"{key}: {figures}"
        assert "12351" in text and "反映诉求" in text


def test_every_topic_has_a_phrase_to_suggest():
    named = {k.split("/", 1)[1] for k in TOPIC_PHRASES if k.startswith("faq/")}
    labelled = {name for name, topic in ANSWERS.topics.items() if topic.label}
    assert named | labelled == TOPICS and not named & labelled
