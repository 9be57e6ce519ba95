"""Admins edit FAQ answers in the console: checked before saving, previewed as workers will read
them, written into the answers file (which Rasa's answer generator re-reads), versioned with
restore, audited; other roles get 403. The console edits a copy of bot/faq/answers.yml."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.faq.answer_checks import fact_label, facts_file
from bot.faq.answer_file import read_texts
from bot.faq.answers import ANSWERS_FILE, AnswerStore

TOPIC = "minimum_wage"
OLD, NEW = "2540", "2720"


@pytest.fixture
def answers_copy(tmp_path) -> Path:
    target = tmp_path / "answers.yml"
    shutil.copy(ANSWERS_FILE, target)
    shutil.copy(facts_file(ANSWERS_FILE), facts_file(target))
    return target


@pytest.fixture
def extra_env(answers_copy):
    return {"FAQ_ANSWERS_FILE": str(answers_copy)}


def form(texts, token, action="save", reason="2026年北京最低工资调整", **changes):
    data = {"csrf_token": token, "revision": texts.revision, "short": texts.short, "detail": texts.detail,
            "facts": "\n".join(fact_label(f) for f in texts.facts), "reason": reason, "action": action}
    data.update({f"sub:{key}": text for key, text in texts.subs})
    data.update(changes)
    return data


def raised(texts):
    """The yearly update: the figure replaced everywhere, in the texts and in the required facts."""
    return {"short": texts.short.replace(OLD, NEW), "detail": texts.detail.replace(OLD, NEW),
            "facts": "\n".join(fact_label(f) for f in texts.facts).replace(OLD, NEW),
            **{f"sub:{k}": t.replace(OLD, NEW) for k, t in texts.subs}}


async def test_a_yearly_figure_update_is_checked_saved_and_served(console, sign_in, answers_copy, audit):
    store = AnswerStore(answers_copy)
    assert OLD in store.current().topics[TOPIC].short
    original = answers_copy.read_text(encoding="utf-8")
    texts = read_texts(answers_copy, TOPIC)
    token = await sign_in("admin")

    # The figure changed in the texts but not in the required facts: refused, nothing written.
    changed = raised(texts)
    stale_facts = {k: v for k, v in changed.items() if k != "facts"}
    refused = await console.post(f"/admin/answers/{TOPIC}", data=form(texts, token, **stale_facts))
    assert refused.status == 400
    assert f"详细规定缺少必备内容：{OLD}" in await refused.text()
    assert answers_copy.read_text(encoding="utf-8") == original

    # Preview: the worker's bubbles with the new figure, still nothing written.
    preview = await console.post(f"/admin/answers/{TOPIC}", data=form(texts, token, action="preview", **changed))
    html = await preview.text()
    assert preview.status == 200 and "检查通过" in html
    bubbles = html[html.index('id="answer-preview"'):html.index('id="answer-history"')]
    assert NEW in bubbles and OLD not in bubbles
    assert answers_copy.read_text(encoding="utf-8") == original

    saved = await console.post(f"/admin/answers/{TOPIC}", data=form(texts, token, **changed), allow_redirects=False)
    assert saved.status == 303, await saved.text()
    after = answers_copy.read_text(encoding="utf-8")
    assert NEW in store.current().topics[TOPIC].short and OLD not in store.current().topics[TOPIC].detail
    assert after.startswith(original.split("\n", 1)[0]), "the file's comments survive"
    changed_lines = [line for line in after.splitlines() if line not in original.splitlines()]
    assert changed_lines and all(NEW in line for line in changed_lines), "only the edited lines differ"
    assert any(NEW in fact_label(f) for f in read_texts(answers_copy, TOPIC).facts), "the facts were updated too"

    page = await (await console.get(f"/admin/answers/{TOPIC}")).text()
    assert "版本1" in page and "2026年北京最低工资调整" in page
    entry = next(e for e in await audit.recent() if e.action == "faq_answer_edit")
    assert entry.actor == "admin" and entry.target == f"faq:{TOPIC}" and entry.detail["facts_changed"] is True


async def raise_the_figure(console, sign_in, answers_copy):
    """An admin saves the yearly update; (texts before it, the admin's CSRF token)."""
    texts = read_texts(answers_copy, TOPIC)
    token = await sign_in("admin")
    saved = await console.post(f"/admin/answers/{TOPIC}", data=form(texts, token, **raised(texts)),
                               allow_redirects=False)
    assert saved.status == 303, await saved.text()
    return texts, token


async def test_restore_brings_the_earlier_text_back_as_a_new_version(console, sign_in, answers_copy):
    texts, token = await raise_the_figure(console, sign_in, answers_copy)
    restored = await console.post(f"/admin/answers/{TOPIC}/versions/1/restore",
                                  data={"csrf_token": token, "which": "before"}, allow_redirects=False)
    assert restored.status == 303
    assert read_texts(answers_copy, TOPIC) == texts
    assert OLD in AnswerStore(answers_copy).current().topics[TOPIC].short
    page = await (await console.get(f"/admin/answers/{TOPIC}")).text()
    assert "版本2" in page and "恢复到版本1之前" in page
    listed = await (await console.get("/admin/answers")).text()
    row = listed[listed.index(f"/admin/answers/{TOPIC}"):]
    assert "版本2 · admin" in row[:row.index("</tr>")], "the list shows each topic's newest version"
    missing = await console.post(f"/admin/answers/{TOPIC}/versions/99/restore", data={"csrf_token": token})
    assert missing.status == 404


@pytest.mark.parametrize("field, value, problem", [
    ("short", "**加粗**的回答：每月不低于2540元。", "Markdown"),
    ("short", "保证您能拿到每月2540元。", "不能向职工作出承诺"),
    ("short", "北京最低工资每月不低于2540元。" + "请先保存工资条和考勤记录作为证据。" * 8, "超过一屏"),
    ("short", "   ", "不能为空"),
    ("detail", "每月不低于{wage}元。", "只能使用占位符"),
    ("reason", "", "请写明修改原因"),
])
async def test_a_bad_edit_is_explained_and_changes_nothing(console, sign_in, answers_copy, field, value, problem):
    original = answers_copy.read_bytes()
    texts = read_texts(answers_copy, TOPIC)
    token = await sign_in("admin")
    response = await console.post(f"/admin/answers/{TOPIC}", data=form(texts, token, **{field: value}))
    assert response.status == 400
    assert problem in await response.text()
    assert answers_copy.read_bytes() == original


async def test_an_edit_started_before_a_colleagues_save_is_refused(console, sign_in, answers_copy):
    texts, token = await raise_the_figure(console, sign_in, answers_copy)
    after_first = answers_copy.read_bytes()
    late = await console.post(f"/admin/answers/{TOPIC}",
                              data=form(texts, token, short=texts.short + "（旧页面上的修改）"))
    assert late.status == 409 and "其他管理员刚刚修改了这个回答" in await late.text()
    assert answers_copy.read_bytes() == after_first


@pytest.mark.parametrize("username", ["city", "chaoyang"])
async def test_only_admins_edit_answers(console, sign_in, answers_copy, username):
    original = answers_copy.read_bytes()
    texts = read_texts(answers_copy, TOPIC)
    token = await sign_in(username)
    for path in ("/admin/answers", f"/admin/answers/{TOPIC}"):
        assert (await console.get(path)).status == 403, path
    assert (await console.post(f"/admin/answers/{TOPIC}", data=form(texts, token, **raised(texts)))).status == 403
    assert (await console.post(f"/admin/answers/{TOPIC}/versions/1/restore", data={"csrf_token": token})).status == 403
    assert answers_copy.read_bytes() == original


async def test_a_forged_post_without_the_csrf_token_is_refused(console, sign_in, answers_copy):
    original = answers_copy.read_bytes()
    texts = read_texts(answers_copy, TOPIC)
    await sign_in("admin")
    response = await console.post(f"/admin/answers/{TOPIC}", data=form(texts, "forged", **raised(texts)))
    assert response.status == 403
    assert answers_copy.read_bytes() == original


async def test_the_list_names_every_topic_and_unknown_topics_are_404(console, sign_in):
    await sign_in("admin")
    html = await (await console.get("/admin/answers")).text()
    assert "最低工资" in html and "/admin/answers/women_protection" in html
    assert (await console.get("/admin/answers/no_such_topic")).status == 404
