"""The domain's utter_faq/<topic> texts are only a safety net: one per topic, no facts that
could go stale (the answers live in bot/faq/answers.yml), and every topic can be suggested back."""
import re
from pathlib import Path

import yaml

from actions.topics import TOPIC_PHRASES
from bot.faq.answers import load_answers

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = yaml.safe_load((ROOT / "bot" / "domain" / "faq.yml").read_text(encoding="utf-8"))
TOPICS = set(load_answers().topics)


def test_one_safety_net_per_answered_topic():
    assert {k.split("/", 1)[1] for k in DOMAIN["responses"]} == TOPICS


def test_safety_nets_carry_no_figures_but_the_hotline():
    for key, variants in DOMAIN["responses"].items():
        text = variants[0]["text"]
        figures = set(re.findall(r"\d+", text)) - {"12351", "010"}
        assert not figures, f"{key}: {figures}"
        assert "12351" in text and "反映诉求" in text


def test_every_topic_has_a_phrase_to_suggest():
    assert {k.split("/", 1)[1] for k in TOPIC_PHRASES if k.startswith("faq/")} == TOPICS
