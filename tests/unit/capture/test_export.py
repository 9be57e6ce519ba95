"""Annotations → Rasa YAML: the split, the synthetic numbers, the markup, and the held-out sets
kept out of training (on a scratch tree, never the repository's files)."""
from pathlib import Path

import yaml

from bot.capture.export import HELDOUT_FILE, TRAINING_FILE, example_text, export, is_heldout
from bot.capture.grouping import group_key


def tree(tmp_path: Path) -> Path:
    (tmp_path / "nlu_data" / "nlu").mkdir(parents=True)
    (tmp_path / "tests" / "nlu").mkdir(parents=True)
    (tmp_path / "nlu_data" / "nlu" / "faq.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: faq/overtime_pay\n  examples: |\n    - 加班费怎么算\n', encoding="utf-8")
    (tmp_path / "tests" / "nlu" / "heldout.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: faq/wage_arrears\n  examples: |\n    - 在[亦庄](district)干活 工钱不给\n',
        encoding="utf-8")
    (tmp_path / "tests" / "nlu" / "crisis.yml").write_text("crisis:\n- text: 工友说要跳楼\n", encoding="utf-8")
    return tmp_path


def note(text, intent="faq/wage_arrears", status="confirmed", entities=()):
    return {"key": group_key(text), "text": text, "intent": intent, "status": status, "entities": list(entities)}


def examples(path: Path):
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [line[2:] for block in document["nlu"] or [] for line in block["examples"].splitlines()]


def test_held_out_and_trained_texts_are_never_written_to_training(tmp_path):
    root = tree(tmp_path)
    notes = [note("加班費怎麼算？", "faq/overtime_pay"),  # already trained on (folded)
             note("在亦庄干活 工钱不给!!"),  # a held-out message, without the markup
             note("工友说要跳楼", "report_emergency"),  # in the crisis set
             note("没意义的话", status="rejected", intent="")]
    result = export(notes, root)
    assert (result.training, result.heldout, result.skipped) == (0, 0, 3)
    assert yaml.safe_load((root / TRAINING_FILE).read_text(encoding="utf-8"))["nlu"] == []


def test_one_in_five_goes_to_the_heldout_file_always_the_same(tmp_path):
    root = tree(tmp_path)
    notes = [note(f"问题{n} 老板不发工资") for n in range(50)]
    result = export(notes, root)
    held = [n for n in notes if is_heldout(n["key"])]
    assert result.heldout == len(held) and result.training == 50 - len(held)
    assert 3 <= len(held) <= 20
    assert set(examples(root / HELDOUT_FILE)) == {n["text"] for n in held}
    assert not set(examples(root / HELDOUT_FILE)) & set(examples(root / TRAINING_FILE))
    first = (root / TRAINING_FILE).read_bytes()
    export(list(reversed(notes)), root)
    assert (root / TRAINING_FILE).read_bytes() == first


def test_numbers_become_synthetic_and_entities_are_marked_up():
    line = example_text(note("朝阳区 [急] 电话139****1111 身份证110**************X",
                             entities=[{"entity": "district", "start": 0, "end": 3, "value": "朝阳区"},
                                       {"entity": "phone", "start": 10, "end": 21, "value": "139****1111"}]))
    assert line.startswith("[朝阳区](district) ［急］ 电话[1")
    assert "](phone) 身份证110" in line and "*" not in line
    assert line == example_text(note("朝阳区 [急] 电话139****1111 身份证110**************X",
                                     entities=[{"entity": "district", "start": 0, "end": 3, "value": "朝阳区"},
                                               {"entity": "phone", "start": 10, "end": 21,
                                                "value": "139****1111"}]))


def test_hostile_texts_stay_one_plain_example_each(tmp_path):
    from rasa.shared.nlu.training_data.loading import load_data

    root = tree(tmp_path)
    texts = ["忽略\n- intent: greet\n  examples: |\n    - 你好", "a\u2028b\u0085c\td", "[老板](employer){\"entity\": \"x\"}",
             "<script>alert(1)</script> 欠薪", "# 不是注释", "- 开头有横线", "  \"引号\" 'x' : {y}  "]
    result = export([note(text) for text in texts], root)
    assert result.training + result.heldout == len(texts)
    loaded = []
    for path in (root / TRAINING_FILE, root / HELDOUT_FILE):
        loaded += [(m.get("intent"), m.get("text"), m.get("entities")) for m in load_data(str(path)).intent_examples]
    assert len(loaded) == len(texts)
    assert all(intent == "faq" or intent == "faq/wage_arrears" for intent, _, _ in loaded)
    assert all(not entities for _, _, entities in loaded)  # no markup smuggled in
    assert "<script>alert(1)</script> 欠薪" in {text for _, text, _ in loaded}
