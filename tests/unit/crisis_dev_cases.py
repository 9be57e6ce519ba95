"""The crisis detector's own development cases (bot/nlu/crisis/dev_cases.yml), as the tests use them.

Written by the detector's engineers, not the test set; the recall gate runs on
`tests/nlu/crisis.yml`, written separately. The cases live next to the detector because its
learned reader trains on them too.
"""
from pathlib import Path

import yaml

_CASES = yaml.safe_load((Path(__file__).resolve().parents[2] / "bot" / "nlu" / "crisis" / "dev_cases.yml")
                        .read_text(encoding="utf-8"))
CRISIS = _CASES["crisis_by_family"]
HARD_NEGATIVES = _CASES["hard_negatives"]
MORE_CRISIS = _CASES["more_crisis"]
MORE_HARD_NEGATIVES = _CASES["more_hard_negatives"]
