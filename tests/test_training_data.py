"""The training data and domain pass Rasa's own validation, and stay apart from the test set."""
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RASA = str(Path(sys.executable).parent / "rasa")


def _examples(path: Path):
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
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


def test_heldout_set_is_never_trained_on():
    training = {text for f in (ROOT / "nlu_data" / "nlu").glob("*.yml") for _, text in _examples(f)}
    heldout = [text for _, text in _examples(ROOT / "tests" / "nlu" / "heldout.yml")]
    assert len(heldout) >= 300
    assert not training & set(heldout)


def test_every_intent_has_enough_varied_examples():
    counts = {}
    for f in (ROOT / "nlu_data" / "nlu").glob("*.yml"):
        for intent, _ in _examples(f):
            counts[intent] = counts.get(intent, 0) + 1
    appeal_intents = {"file_appeal", "check_appeal_status", "report_emergency"}
    for intent, count in counts.items():
        minimum = 40 if intent.startswith("faq/") or intent in appeal_intents else 20
        assert count >= minimum, f"{intent}: {count} examples"
    assert sum(1 for i in counts if i.startswith("faq/")) == 21
