"""Confirmed and corrected inbox annotations → Rasa YAML that people can read, diff and commit.

- Four in five groups become training examples in `nlu_data/nlu/annotated.yml`; one in five
  (deterministic: the group key, a hash of the folded text, modulo 5 == 0) goes instead to the
  held-out inbox test set `tests/nlu/inbox_heldout.yml`, so the regression gate also measures
  real traffic. Which side a message falls on never changes between exports.
- Masked phone/ID-card/bank-card numbers are replaced by synthetic ones of the same shape
  (bot/capture/synthetic.py); entities the model found are kept as `[text](entity)` markup.
- Nothing from any held-out set is ever trained on: an example whose folded text is in any
  `tests/nlu/*.yml` file is not written to the training file, nor one already in the other
  training files (it would be a duplicate, or a conflict `rasa data validate` rejects).
- Both files are rewritten whole from the annotations, sorted by label then text.

Called by the console's "导出到训练数据" action and by the retrain start
(`await export_annotations(redis, keys, settings.nlu_export_root)`).
"""
from __future__ import annotations

import asyncio
import dataclasses
import re
from pathlib import Path
from typing import Dict, Iterable, List, Set, Tuple

import yaml

from redis.asyncio import Redis

from bot.atomic_files import write_atomically
from bot.capture.annotations import TRAINING, AnnotationStore
from bot.capture.grouping import folded
from bot.capture.synthetic import synthesize
from bot.redis_keys import RedisKeys

TRAINING_FILE = Path("nlu_data") / "nlu" / "annotated.yml"
HELDOUT_FILE = Path("tests") / "nlu" / "inbox_heldout.yml"
HELDOUT_SHARE = 5  # one in five
ENTITIES = {"district", "phone", "ticket_id", "amount", "headcount", "employer"}
# Brackets would read as entity markup; line breaks (YAML also breaks lines at NEL, LS and PS)
# and other control characters would break the example list.
_MARKUP = str.maketrans({"[": "［", "]": "］", **{c: " " for c in "\n\r\t\x0b\x0c\x85\u2028\u2029"}})


@dataclasses.dataclass
class ExportResult:
    training: int
    heldout: int
    skipped: int  # already in the training data or a held-out set

    def as_json(self) -> dict:
        return dataclasses.asdict(self)


def is_heldout(group_key: str) -> bool:
    return int(group_key, 16) % HELDOUT_SHARE == 0


def example_text(annotation: dict) -> str:
    """The example line: synthetic numbers back in place, entities marked up."""
    text = synthesize(annotation["text"], annotation["key"])
    spans = []
    for entity in annotation.get("entities") or []:
        start, end = entity.get("start"), entity.get("end")
        if (entity.get("entity") in ENTITIES and isinstance(start, int) and isinstance(end, int)
                and 0 <= start < end <= len(text) and text[start:end].strip() == text[start:end]
                and not any(start < e and s < end for s, e, _ in spans)):
            spans.append((start, end, entity["entity"]))
    parts, at = [], 0
    for start, end, name in sorted(spans):
        parts += [text[at:start].translate(_MARKUP), f"[{text[start:end].translate(_MARKUP)}]({name})"]
        at = end
    line = "".join(parts) + text[at:].translate(_MARKUP)
    return "".join(c for c in line if c >= " " and not 0x7f <= ord(c) < 0xa0).strip()


def _examples(path: Path) -> Iterable[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if isinstance(document.get("nlu"), list):
        for block in document["nlu"]:
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    yield _plain(line.strip()[2:])
    for value in document.values():  # the crisis set: lists of {text: ...}
        if isinstance(value, list):
            yield from (item["text"] for item in value if isinstance(item, dict) and "text" in item)


def _plain(example: str) -> str:
    """An example without entity markup: `[朝阳](district)` → 朝阳."""
    return re.sub(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})", r"\1", example)


def _folded_texts(paths: Iterable[Path]) -> Set[str]:
    return {folded(text) for path in paths for text in _examples(path)}


def known_texts(root: Path, skip: Iterable[Path] = ()) -> Tuple[Set[str], Set[str]]:
    """The folded texts of every training example under nlu_data/ and of every held-out set
    under tests/nlu/ (the files in `skip` aside): what a new example must not repeat."""
    skipped = set(skip)
    trained = _folded_texts(p for p in (root / "nlu_data").rglob("*.yml") if p not in skipped)
    heldout = _folded_texts(p for p in (root / "tests" / "nlu").glob("*.yml") if p not in skipped)
    return trained, heldout


def plan(annotations: Iterable[dict], root: Path) -> Tuple[Dict[str, List[str]], Dict[str, List[str]], int]:
    """(training examples by label, held-out examples by label, skipped count)."""
    trained, heldout = known_texts(root, skip=(root / TRAINING_FILE, root / HELDOUT_FILE))
    training: Dict[str, List[str]] = {}
    held: Dict[str, List[str]] = {}
    skipped = 0
    for annotation in annotations:
        if annotation.get("status") not in TRAINING or not annotation.get("intent"):
            continue
        line = example_text(annotation)
        key = folded(_plain(line))
        if not key or key in trained or key in heldout:
            skipped += 1
            continue
        target = held if is_heldout(annotation["key"]) else training
        target.setdefault(annotation["intent"], []).append(line)
    return training, held, skipped


HEADERS = {
    TRAINING_FILE: ("# Examples from real workers' messages, annotated by admins in the console's NLU inbox\n"
                    "# (bot/capture/export.py writes this file whole; edit annotations in the console).\n"
                    "# Phone, ID-card and bank-card numbers are synthetic.\n"),
    HELDOUT_FILE: ("# Held-out inbox test set: one in five annotated real messages (bot/capture/export.py).\n"
                   "# Never trained on (tests/test_training_data.py checks); numbers are synthetic.\n"),
}


def render(path: Path, examples: Dict[str, List[str]]) -> str:
    lines = [HEADERS[path], 'version: "3.1"\n']
    if not examples:
        return "".join(lines) + "nlu: []\n"
    lines.append("nlu:\n")
    for label in sorted(examples):
        lines.append(f"- intent: {label}\n  examples: |\n")
        lines += [f"    - {text}\n" for text in sorted(set(examples[label]))]
    return "".join(lines)


def export(annotations: Iterable[dict], root: Path) -> ExportResult:
    """Write both files under `root` (the repository, or a copy in tests). Blocking file I/O:
    call it in an executor from async code."""
    training, held, skipped = plan(list(annotations), root)
    write_atomically(root / TRAINING_FILE, render(TRAINING_FILE, training))
    write_atomically(root / HELDOUT_FILE, render(HELDOUT_FILE, held))
    return ExportResult(sum(map(len, training.values())), sum(map(len, held.values())), skipped)


async def export_annotations(redis: Redis, keys: RedisKeys, root: Path) -> ExportResult:
    """Every annotation in Redis → the two files under `root`, the file work off the event loop."""
    annotations = list((await AnnotationStore(redis, keys).all()).values())
    return await asyncio.get_running_loop().run_in_executor(None, export, annotations, root)
