"""Reading `rasa train`'s output into the progress view (lines recorded from a real run)."""
from bot.models_registry.progress import Progress, clock_seconds, estimate_left, format_duration

RECORDED = [
    "2026-11-26 12:36:45 INFO     rasa.cli.train  - Started validating domain and training data...",
    "2026-11-26 12:36:55 INFO     rasa.engine.training.hooks  - Starting to train component 'JiebaTokenizer'.",
    "2026-11-26 12:36:55 INFO     rasa.engine.training.hooks  - Finished training component 'JiebaTokenizer'.",
    "2026-11-26 12:38:40 INFO     rasa.engine.training.hooks  - Starting to train component 'DIETClassifier'.",
    "Epochs:   0%|          | 0/3 [00:00<?, ?it/s]",
    "Epochs:  33%|███▎      | 1/3 [00:22<00:44, 22.25s/it, t_loss=14.5, r_acc=0.518]",
    "2026-11-26 12:40:10 INFO     rasa.engine.training.hooks  - Finished training component 'DIETClassifier'.",
    "2026-11-26 12:40:11 INFO     rasa.engine.training.hooks  - Restored component 'RegexFeaturizer' from cache.",
]


def test_stages_components_and_epochs():
    progress = Progress()
    progress.feed(RECORDED[0])
    assert progress.stage == "validating"
    progress.feed(RECORDED[1])
    assert (progress.stage, progress.component) == ("training", "JiebaTokenizer")
    progress.feed(RECORDED[2])
    assert progress.components_done == 1
    progress.feed(RECORDED[3])
    progress.feed(RECORDED[4])
    assert (progress.component, progress.epoch, progress.epochs, progress.component_left) == ("DIETClassifier", 0, 3, None)
    assert progress.feed(RECORDED[5])
    assert (progress.epoch, progress.epochs, progress.component_left) == (1, 3, 44.0)
    progress.feed(RECORDED[6])
    progress.feed(RECORDED[7])
    assert progress.components_done == 3
    progress.feed("2026-11-26 12:41:00 INFO     rasa.model_training  - Your Rasa model is trained and saved at 'x'.")
    assert progress.stage == "saving"


def test_unrelated_lines_change_nothing():
    progress = Progress()
    assert not progress.feed("2026-11-26 WARNING tensorflow - Could not find cuda drivers")
    assert not progress.feed("")


def test_clock_and_estimates():
    assert clock_seconds("01:02") == 62.0
    assert clock_seconds("1:00:05") == 3605.0
    assert clock_seconds("?") is None
    assert estimate_left(100, None, None) is None
    assert estimate_left(100, None, 30.0) == 30.0
    assert estimate_left(100, 400, 30.0) == 300.0
    assert estimate_left(500, 400, 30.0) == 30.0  # past the last run's length: the component's own estimate
    assert format_duration(None) == "—"
    assert format_duration(65) == "1 分 05 秒"
    assert format_duration(3725) == "1 小时 2 分 05 秒"
