"""The regression gate's rules (issue 12): crisis recall 1.0, accuracy drop ≤ 0.5 points,
no intent's F1 down by more than 5 points; and what became wrong or right."""
from bot.models_registry import gate


def evaluation(accuracy=0.95, f1=None, crisis=1.0, predictions=None, name="heldout"):
    return {"crisis_recall": crisis,
            "sets": {name: {"accuracy": accuracy, "macro_f1": 0.9, "per_intent_f1": f1 or {"a": 0.9, "b": 0.9},
                            "predictions": predictions or []}}}


def test_an_equal_model_passes():
    assert gate.judge(evaluation(), evaluation()).passed


def test_first_model_only_needs_the_crisis_rule():
    assert gate.judge(evaluation(accuracy=0.1), None).passed
    assert not gate.judge(evaluation(crisis=0.99), None).passed


def test_one_missed_crisis_message_refuses_even_with_better_accuracy():
    verdict = gate.judge(evaluation(accuracy=0.99, crisis=0.98), evaluation(accuracy=0.90))
    assert not verdict.passed
    assert [check.rule for check in verdict.failures] == ["crisis_recall"]


def test_accuracy_drop_of_half_a_point_passes_and_more_refuses():
    assert gate.judge(evaluation(accuracy=0.945), evaluation(accuracy=0.95)).passed
    verdict = gate.judge(evaluation(accuracy=0.944), evaluation(accuracy=0.95))
    assert [check.rule for check in verdict.failures] == ["accuracy"]


def test_accuracy_drop_on_the_real_style_and_inbox_sets_counts_too():
    for name in ("heldout_real", "inbox"):
        verdict = gate.judge(evaluation(accuracy=0.90, name=name), evaluation(accuracy=0.95, name=name))
        assert not verdict.passed, name


def test_an_intent_f1_drop_of_more_than_five_points_refuses():
    assert gate.judge(evaluation(f1={"a": 0.85, "b": 0.9}), evaluation(f1={"a": 0.9, "b": 0.9})).passed
    verdict = gate.judge(evaluation(f1={"a": 0.84, "b": 0.95}), evaluation(f1={"a": 0.9, "b": 0.9}))
    assert [check.subject for check in verdict.failures] == ["heldout: a"]


def test_an_intent_that_vanished_counts_as_zero_and_a_new_one_cannot_regress():
    verdict = gate.judge(evaluation(f1={"b": 0.9, "c": 0.1}), evaluation(f1={"a": 0.9, "b": 0.9}))
    assert [check.subject for check in verdict.failures] == ["heldout: a"]


def test_sets_missing_on_one_side_are_not_compared():
    candidate = evaluation(accuracy=0.5, name="inbox")
    assert gate.judge(candidate, evaluation(accuracy=0.95)).passed


def test_changed_messages():
    before = {"predictions": [["x", "a", "a", 0.9], ["y", "b", "a", 0.7], ["z", "a", "a", 0.9]]}
    after = {"predictions": [["x", "a", "b", 0.6], ["y", "b", "b", 0.8], ["z", "a", "a", 0.9], ["new", "a", "b", 0.5]]}
    changes = gate.changed_messages(before, after)
    assert [row["text"] for row in changes["became_wrong"]] == ["x"]
    assert [row["text"] for row in changes["became_right"]] == ["y"]
    assert changes["became_wrong"][0]["before"] == "a" and changes["became_wrong"][0]["after"] == "b"


def test_override_reason_needs_real_words():
    assert gate.override_reason("   ") is None
    assert gate.override_reason("ok") is None
    assert gate.override_reason("x" * 501) is None
    assert gate.override_reason("  危机集新增了两条  需先上线修正意图  ") == "危机集新增了两条 需先上线修正意图"
