"""The labels an admin may give a message: the domain's intents, `faq` expanded into its
topics (`faq/<topic>`, one per `utter_faq/<topic>` response), never `nlu_fallback`. Read from
the domain files, so a topic added to the domain is offered at once."""
from __future__ import annotations

from pathlib import Path
from typing import List

import yaml

RETRIEVAL = "faq"
NOT_LABELS = {"nlu_fallback"}


def labels_from_domain(domain_dir: Path) -> List[str]:
    intents: List[str] = []
    topics: List[str] = []
    for path in sorted(domain_dir.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for intent in document.get("intents") or []:
            name = next(iter(intent)) if isinstance(intent, dict) else str(intent)
            if name not in intents:
                intents.append(name)
        for response in document.get("responses") or {}:
            if response.startswith(f"utter_{RETRIEVAL}/"):
                topics.append(response[len("utter_"):])
    labels = [name for name in intents if name != RETRIEVAL and name not in NOT_LABELS]
    return labels + sorted(set(topics)) if RETRIEVAL in intents else labels
