"""A crisis comes first: CrisisOverride is the last NLU component, and no form takes a crisis as an answer."""
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_crisis_override_is_the_last_component_of_the_pipeline():
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    names = [component["name"] for component in pipeline]
    assert names[-1] == "bot.nlu.crisis_override.CrisisOverride"
    assert names.index("FallbackClassifier") < names.index("bot.nlu.crisis_override.CrisisOverride")


def test_the_appeal_form_never_takes_a_crisis_as_the_answer_to_its_question():
    from actions.form_answers import answered_slot

    parse = {"text": "朝阳那个工地塌了 两个工友被埋在下面", "intent": {"name": "faq"}}
    assert answered_slot("appeal_form", "appeal_district", parse) is None
    assert answered_slot("appeal_form", "appeal_district", {**parse, "text": "朝阳"}) == "appeal_district"
