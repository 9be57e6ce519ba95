import pytest

from bot.nlu.confidence import flat_ranking, rescale
from bot.nlu.reliability import bands, expected_calibration_error, wrong_above


def test_temperature_keeps_the_order_and_flattens():
    before = [0.98, 0.015, 0.005]
    after = rescale(before, 3.0)
    assert after == sorted(after, reverse=True)
    assert sum(after) == pytest.approx(1.0)
    assert after[0] < before[0]
    assert rescale(before, 1.0) == pytest.approx(before)


def test_faq_is_split_into_topics_by_their_share():
    labels = flat_ranking([{"name": "faq", "confidence": 0.8}, {"name": "file_appeal", "confidence": 0.2}],
                          [{"intent_response_key": "faq/overtime_pay", "confidence": 0.5},
                           {"intent_response_key": "faq/working_hours", "confidence": 0.5}])
    assert [l["name"] for l in labels][:2] == ["faq/overtime_pay", "faq/working_hours"]
    assert labels[0]["confidence"] == pytest.approx(0.4)
    assert labels[2] == {"name": "file_appeal", "confidence": 0.2}


def test_calibration_error_of_honest_and_overconfident_answers():
    honest = [(0.8, True)] * 8 + [(0.8, False)] * 2
    overconfident = [(1.0, True)] * 6 + [(1.0, False)] * 4
    assert expected_calibration_error(honest) == pytest.approx(0.0)
    assert expected_calibration_error(overconfident) == pytest.approx(0.4)
    assert wrong_above(overconfident) == 4 and wrong_above(honest) == 0
    assert [b["messages"] for b in bands(honest + overconfident)] == [0, 0, 10, 0, 10]
