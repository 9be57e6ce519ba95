"""Every hotline prompt, every bot response as the hotline speaks it (its spoken variant where
it has one, and the actions' own texts through their spoken rules), lasts at most 20 s:
synthesized with espeak-ng's Mandarin voice at a phone synthesizer's pace (`-v cmn -s 260`,
about four characters a second) and measured from the WAV's length."""
from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import pytest
import yaml

from channels.hotline import prompts
from channels.hotline.responses import SPOKEN, spoken_text
from channels.hotline.spoken import next_part, spoken
from tests.unit.channels.hotline_action_texts import action_texts

ROOT = Path(__file__).resolve().parents[3]
LIMIT_S = 20.0
ESPEAK = shutil.which("espeak-ng")
pytestmark = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed (apt-get install espeak-ng)")


def seconds(text: str, tmp_path: Path) -> float:
    path = tmp_path / "prompt.wav"
    subprocess.run([ESPEAK, "-v", "cmn", "-s", "260", "-w", str(path), text], check=True, capture_output=True)
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


def own_prompts() -> list:
    texts = [value for name, value in vars(prompts).items() if name.isupper() and isinstance(value, str)]
    return [text.replace("{text}", "公司拖欠我三个月工资怎么办才好") for text in texts]


def _parts(text: str) -> list:
    """What the caller hears of `text`: the first part, and each later one on "详细"."""
    head, rest = spoken(text)
    said = [head]
    while rest:
        part, rest = next_part(rest)
        said.append(part)
    return said


def bot_responses() -> list:
    """Every text response in the domain, as the hotline would say it (and each later part),
    every spoken variant, and the actions' own texts as their rules rewrite them."""
    said = []
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        for name, variants in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).items():
            for variant in variants:
                if variant.get("text"):
                    said += _parts(SPOKEN.get(name) or variant["text"])
    for text in [*SPOKEN.values(), *(spoken_text(text) for text in action_texts().values())]:
        said += _parts(text)
    return said


def test_the_hotlines_own_prompts_are_short_enough(tmp_path):
    durations = {text: seconds(text, tmp_path) for text in own_prompts()}
    assert max(durations.values()) <= LIMIT_S, max(durations.items(), key=lambda item: item[1])


def test_every_bot_response_as_spoken_is_short_enough(tmp_path):
    texts = bot_responses()
    assert len(texts) > 50
    longest = max(((seconds(text, tmp_path), text) for text in texts))
    assert longest[0] <= LIMIT_S, longest
