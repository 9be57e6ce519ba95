"""`make train`: train a model only when none matches the current data, domain and config.

The model is named after a fingerprint of everything that shapes it (config, domain, training
data, our NLU components, the locked dependencies), so an unchanged project starts at once and
the newest `models/*.tar.gz` is always the one for the current files.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from bot.districts import GENERATED
from bot.settings import ROOT

INPUTS = ("config.yml", "bot/domain", "nlu_data", "bot/nlu", "requirements.lock")
MODELS = ROOT / "models"


def fingerprint() -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def main() -> int:
    for path, render in GENERATED.items():  # districts: regenerate before fingerprinting
        path.write_text(render(), encoding="utf-8")
    name = f"model-{fingerprint()}"
    model = MODELS / f"{name}.tar.gz"
    if model.exists():
        os.utime(model)  # the newest model is the one served
        print(f"Model up to date: {model.relative_to(ROOT)}")
        return 0
    return subprocess.call(train_command(ROOT / "config.yml", MODELS, name), cwd=ROOT)


def train_command(config: Path, out: Path, name: str, data: Path = Path("nlu_data")) -> list:
    """The `rasa train` command line of `make train`, also run by the console's trainer
    (bot/models_registry/trainer.py) with its own configuration, output directory and data
    (the tree the NLU inbox exports into)."""
    return [str(Path(sys.executable).parent / "rasa"), "train", "-c", str(config), "-d", "bot/domain",
            "--data", str(data), "--out", str(out), "--fixed-model-name", name]


if __name__ == "__main__":
    sys.exit(main())
