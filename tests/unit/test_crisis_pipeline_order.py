"""CrisisOverride is the last NLU component: nothing placed after it could undo a crisis."""
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_crisis_override_is_the_last_component_of_the_pipeline():
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    names = [component["name"] for component in pipeline]
    assert names[-1] == "bot.nlu.crisis_override.CrisisOverride"
    assert names.index("FallbackClassifier") < names.index("bot.nlu.crisis_override.CrisisOverride")
