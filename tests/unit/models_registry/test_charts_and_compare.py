"""The comparison's pictures and tables from two evaluations."""
import xml.etree.ElementTree as ET

from bot.console.views_model_server import etag_matches
from bot.models_registry import charts, compare


def evaluation(rows, crisis=1.0):
    return {"crisis_recall": crisis, "sets": {"heldout": {
        "messages": len(rows), "accuracy": sum(r[1] == r[2] for r in rows) / len(rows), "macro_f1": 0.5,
        "per_intent_f1": {"a": 1.0, "b": 0.5}, "predictions": rows}}}


ROWS = [["x", "a", "a", 0.95], ["y", "b", "a", 0.55], ["z", "a", "a", 0.99], ["<w>", "b", "b", 0.05]]


def test_histogram_splits_right_and_wrong_by_bin():
    h = compare.histogram(ROWS)
    assert h["right"][9] == 2 and h["wrong"][5] == 1 and h["right"][0] == 1
    assert sum(h["right"]) + sum(h["wrong"]) == len(ROWS)


def test_confusion_counts():
    c = compare.confusion(ROWS)
    assert c["labels"] == ["a", "b"]
    assert c["matrix"] == [[2, 0], [1, 1]]


def test_build_includes_the_verdict_and_changes():
    before = evaluation([["x", "a", "b", 0.9], ["y", "b", "b", 0.9], ["z", "a", "a", 0.9], ["<w>", "b", "b", 0.9]])
    result = compare.build(evaluation(ROWS), before, "old")
    assert result["active_id"] == "old"
    assert [r["text"] for r in result["sets"]["heldout"]["became_right"]] == ["x"]
    assert [r["text"] for r in result["sets"]["heldout"]["became_wrong"]] == ["y"]
    assert result["passed"] is True  # same accuracy (3 of 4), same per-intent F1, crisis recall 1.0
    assert result["histogram"]["active"] is not None
    refused = compare.build(evaluation(ROWS, crisis=0.9), before, "old")
    assert refused["passed"] is False
    assert [c["rule"] for c in refused["checks"] if not c["passed"]] == ["crisis_recall"]


def test_svgs_are_well_formed_and_escape_labels():
    svg = charts.confusion_svg(["a<b", "c"], [[1, 0], [2, 3]])
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "a&lt;b" in svg and "a<b" not in svg
    ET.fromstring(charts.histogram_svg(compare.histogram(ROWS), compare.histogram(ROWS)))
    ET.fromstring(charts.histogram_svg(compare.histogram(ROWS), None))


def test_etag_matching_as_rasa_sends_it():
    assert etag_matches('"abc"', "abc")
    assert etag_matches('abc', "abc")
    assert etag_matches('W/"abc", "def"', "def")
    assert not etag_matches("", "abc")
    assert not etag_matches('"abcd"', "abc")
