"""answers.yml is checked when read, and an edit is served without a restart."""
import os
import time

import pytest
import yaml

from bot.faq.answers import ANSWERS_FILE, AnswersError, AnswerStore, parse_answers


def data():
    return yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))


def test_the_file_reads():
    assert len(parse_answers(data()).topics) == 27


@pytest.mark.parametrize("break_it, message", [
    (lambda d: d["topics"]["probation"].update(short=""), "topics.probation: `short`"),
    (lambda d: d["topics"]["probation"]["subs"][0].update(cues="(unclosed"), "not a regular expression"),
    (lambda d: d["topics"]["probation"].update(follow={"legality": "nothing"}), "topics.probation.follow"),
    (lambda d: d["topics"]["probation"].update(calc="pension"), "topics.probation.calc"),
    (lambda d: d["calculators"].pop("overtime"), "calculators"),
])
def test_a_broken_file_is_refused_with_the_place_named(break_it, message):
    broken = data()
    break_it(broken)
    with pytest.raises(AnswersError, match=message.replace("(", r"\(")):
        parse_answers(broken)


def test_store_serves_an_edit_and_keeps_the_last_good_texts_on_a_broken_one(tmp_path):
    path = tmp_path / "answers.yml"
    path.write_text(ANSWERS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    store = AnswerStore(path)
    edited = data()
    edited["topics"]["minimum_wage"]["short"] = "北京最低工资：每月不低于2600元（示例）。"
    path.write_text(yaml.safe_dump(edited, allow_unicode=True), encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))
    assert "2600" in store.current().topics["minimum_wage"].short
    path.write_text("topics: [", encoding="utf-8")
    os.utime(path, (later + 5, later + 5))
    assert "2600" in store.current().topics["minimum_wage"].short


def test_store_refuses_to_start_without_answers(tmp_path):
    path = tmp_path / "answers.yml"
    path.write_text("topics: {}", encoding="utf-8")
    with pytest.raises(AnswersError):
        AnswerStore(path)
