"""The training data and domain pass Rasa's own validation, and stay apart from the test set."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.nlu.text_normalization import normalize

ROOT = Path(__file__).resolve().parents[1]
RASA = str(Path(sys.executable).parent / "rasa")


def _examples(path: Path):
    for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
        if "intent" in block:
            for line in block["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield block["intent"], line[2:].strip()


def test_rasa_data_validate():
    result = subprocess.run(
        [RASA, "data", "validate", "-c", "config.yml", "-d", "bot/domain", "--data", "nlu_data"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def _folded(text: str) -> str:
    """Text as compared for overlap: entity markup removed ([朝阳](district) → 朝阳), simplified,
    half-width, lower case, no spaces or punctuation."""
    text = re.sub(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})", r"\1", text)
    return "".join(c for c in normalize(text).lower() if c.isalnum())


# The answer benchmark's question sets (lists of {text: ...}) are held out too.
HELDOUT_SETS = sorted((ROOT / "tests" / "nlu").glob("*.yml")) + sorted(
    (ROOT / "benchmarks" / "data").glob("specific_questions*.yml"))
# Written by hand, so they must be big enough to measure anything; the inbox set
# (tests/nlu/inbox_heldout.yml, bot/capture/export.py) grows with the admins' annotations.
HAND_WRITTEN_MINIMUM = {"heldout.yml": 300, "heldout_real.yml": 300, "crisis.yml": 300}


def _heldout_texts(path: Path):
    """Messages of a held-out file: NLU format, or lists of {text: ...} (the crisis set)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "nlu" in document:
        return [text for _, text in _examples(path)]
    return [item["text"] for value in document.values() if isinstance(value, list)
            for item in value if isinstance(item, dict) and "text" in item]


def test_both_heldout_sets_exist():
    assert {p.name for p in HELDOUT_SETS} >= {"heldout.yml", "heldout_real.yml"}


@pytest.mark.parametrize("heldout", HELDOUT_SETS, ids=lambda p: p.name)
def test_heldout_sets_are_never_trained_on(heldout):
    # Every training file, nlu_data/nlu/annotated.yml (the inbox's export) included.
    training = {_folded(text) for f in (ROOT / "nlu_data").rglob("*.yml") for _, text in _examples(f)}
    texts = _heldout_texts(heldout)
    assert len(texts) >= HAND_WRITTEN_MINIMUM.get(heldout.name, 0)
    overlap = sorted({t for t in texts if _folded(t) in training})
    assert not overlap, f"{len(overlap)} held-out messages are in the training data: {overlap[:10]}"


def test_every_intent_has_enough_varied_examples():
    counts = {}
    for f in (ROOT / "nlu_data" / "nlu").glob("*.yml"):
        for intent, _ in _examples(f):
            counts[intent] = counts.get(intent, 0) + 1
    appeal_intents = {"file_appeal", "check_appeal_status", "report_emergency"}
    # A topic an admin adds in the console starts with at least 20 (bot/faq/new_topic.py).
    admin_file = ROOT / "nlu_data" / "nlu" / "admin_topics.yml"
    admin_topics = {intent for intent, _ in _examples(admin_file)} if admin_file.exists() else set()
    for intent, count in counts.items():
        shipped_topic = intent.startswith("faq/") and intent not in admin_topics
        minimum = 40 if shipped_topic or intent in appeal_intents else 20
        assert count >= minimum, f"{intent}: {count} examples"
    # The spec's 27 topics; admins may add more in the console (nlu_data/nlu/admin_topics.yml).
    assert sum(1 for i in counts if i.startswith("faq/")) >= 27


# crisis_fresh_dev.yml is the development half: the rules' cases (dev_cases.yml) took from it.
@pytest.mark.parametrize("heldout", [p for p in sorted((ROOT / "tests" / "nlu").glob("crisis*.yml"))
                                     if not p.stem.endswith("_dev")], ids=lambda p: p.name)
def test_crisis_sets_are_never_the_learned_readers_examples(heldout):
    # The crisis detector's learned reader trains on its own example files too (four writers').
    from bot.nlu.crisis.learned import training_examples

    learned = {_folded(text) for text, _ in training_examples()}
    overlap = sorted({t for t in _heldout_texts(heldout) if _folded(t) in learned})
    assert not overlap, f"{len(overlap)} crisis test messages are learned examples: {overlap[:10]}"
