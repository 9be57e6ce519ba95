"""Admin pages for FAQ answers: list, edit with checks and a WeChat-bubble preview, history
with restore. Workers get a saved text on their next question (bot/faq/answer_edits.py);
every save and restore is audited. Staff of any other role get 403."""
from __future__ import annotations

from typing import List, Optional

import aiohttp_jinja2
from aiohttp import web

from bot.console.appkeys import ANSWERS, AUDIT, SETTINGS
from bot.console.auth import admin_only, client_address, current_account
from bot.console.responses import Refusal
from bot.console.sessions import get_session
from bot.faq.answer_checks import fact_label, parse_fact_lines
from bot.faq.answer_edits import REASON_MAX, EditBusy
from bot.faq.answer_file import AnswerProblems, StaleEdit, TopicTexts, UnknownTopic, texts_from_form
from bot.faq.answers import Answers
from bot.faq.new_topic import MIN_EXAMPLES, NewTopic, example_lines
from bot.faq.compose import Question, compose
from bot.faq.follow_up import DETAIL
from bot.insight.labels import topic_label

PAGE = "/admin/answers"
FORM_MAX = 8000  # characters of one text box: far above any valid answer, bounds what is parsed
STALE = "其他管理员刚刚修改了这个回答。下面是您的修改，请先查看最新版本（刷新页面），再决定是否重新保存。"
BUSY = "另一项回答修改正在保存，请稍后再试。"
NO_REASON = "请写明修改原因（会记入版本记录和操作日志）。"


def _topic(request: web.Request) -> str:
    return request.match_info["topic"]


async def _label(request: web.Request, name: str) -> str:
    entry = (await request.app[ANSWERS].topics()).get(name)
    return (entry.label if entry else None) or topic_label(name)


async def _texts_or_404(request: web.Request) -> TopicTexts:
    try:
        return await request.app[ANSWERS].texts(_topic(request))
    except UnknownTopic:
        raise Refusal(404, "no_topic", "没有这个常见问题主题。")


@admin_only
async def answers_page(request: web.Request) -> web.StreamResponse:
    editor = request.app[ANSWERS]
    topics = await editor.topics()
    latest = await editor.latest(list(topics))
    rows = [{"name": name, "label": entry.label or topic_label(name), "short": entry.texts.short,
             "subs": len(entry.texts.subs), "latest": latest[name]} for name, entry in topics.items()]
    return aiohttp_jinja2.render_template("answers.html", request, {"rows": rows})


@admin_only
async def answer_page(request: web.Request) -> web.StreamResponse:
    texts = await _texts_or_404(request)
    return await _edit_page(request, texts, texts.revision)


async def _edit_page(request: web.Request, texts: TopicTexts, revision: str, status: int = 200,
                     problems: Optional[List[str]] = None, reason: str = "", previewed: bool = False,
                     error: str = "") -> web.StreamResponse:
    name = _topic(request)
    editor = request.app[ANSWERS]
    preview = None
    if problems is None:
        try:
            preview = _preview(await editor.preview(name, texts), name, request.app[SETTINGS].average_monthly_wage)
            problems = []
        except AnswerProblems as found:
            problems = found.problems
    return aiohttp_jinja2.render_template("answer_edit.html", request, {
        "name": name, "label": await _label(request, name), "texts": texts, "revision": revision, "problems": problems,
        "preview": preview, "previewed": previewed, "reason": reason, "reason_max": REASON_MAX, "error": error,
        "facts_text": "\n".join(fact_label(f) for f in texts.facts), "history": await editor.history(name),
    }, status=status)


def _preview(answers: Answers, name: str, average_wage: float) -> List[dict]:
    """What a worker reads: the first reply, each sub-question's reply, and "详细"."""
    topic = answers.topics[name]
    bubbles = [{"label": "职工问到这个主题时", "text": compose(answers, Question(name, ""), average_wage).text}]
    for sub in topic.subs:
        probe = sub.cues.pattern.split("|")[0].replace("\\", "")
        bubbles.append({"label": f"问到“{probe}”时",
                        "text": compose(answers, Question(name, probe), average_wage).text})
    bubbles.append({"label": "回复“详细”时", "text": compose(answers, Question(name, "详细", DETAIL), average_wage).text})
    return bubbles


async def _posted(request: web.Request, current: TopicTexts):
    form = await request.post()
    field = lambda key: str(form.get(key, ""))[:FORM_MAX]  # noqa: E731
    subs = [(key, field(f"sub:{key}")) for key, _ in current.subs]
    texts = texts_from_form(field("short"), field("detail"), subs, parse_fact_lines(field("facts")))
    return texts, field("revision"), field("reason").strip()[:REASON_MAX], field("action")


@admin_only
async def save_answer(request: web.Request) -> web.StreamResponse:
    name = _topic(request)
    current = await _texts_or_404(request)
    texts, revision, reason, action = await _posted(request, current)
    if action == "preview":
        return await _edit_page(request, texts, revision, reason=reason, previewed=True)
    if not reason:
        return await _edit_page(request, texts, revision, 400, reason=reason, error=NO_REASON)
    account = current_account(request)
    try:
        version = await request.app[ANSWERS].save(name, texts, revision, account.username, reason)
    except AnswerProblems as found:
        return await _edit_page(request, texts, revision, 400, problems=found.problems, reason=reason)
    except StaleEdit:
        return await _edit_page(request, texts, revision, 409, reason=reason, error=STALE)
    except EditBusy:
        return await _edit_page(request, texts, revision, 409, reason=reason, error=BUSY)
    await _audit(request, "faq_answer_edit", name, version=version.number, reason=reason,
                 facts_changed=version.before.facts != version.after.facts)
    get_session(request).flash(f"已保存“{await _label(request, name)}”版本{version.number}，职工下一次提问就会收到新回答。")
    raise web.HTTPSeeOther(f"{PAGE}/{name}")


@admin_only
async def restore_version(request: web.Request) -> web.StreamResponse:
    name = _topic(request)
    current = await _texts_or_404(request)
    number = request.match_info["number"]
    form = await request.post()
    which = str(form.get("which", "after"))
    version = await request.app[ANSWERS].version(name, int(number)) if number.isdigit() else None
    if version is None or which not in ("after", "before"):
        raise Refusal(404, "no_version", "没有这个版本（版本记录只保留最近50次修改）。")
    target = version.after if which == "after" else version.before
    label = f"版本{version.number}" if which == "after" else f"版本{version.number}之前"
    reason = f"恢复到{label}"
    try:
        saved = await request.app[ANSWERS].save(name, target, current.revision, current_account(request).username,
                                                reason)
    except (AnswerProblems, StaleEdit, EditBusy) as failed:
        problems = failed.problems if isinstance(failed, AnswerProblems) else None
        return await _edit_page(request, target, current.revision, 400 if problems else 409, problems=problems,
                                reason=reason, error="" if problems else BUSY)
    await _audit(request, "faq_answer_restore", name, version=saved.number, restored=label)
    get_session(request).flash(f"已将“{await _label(request, name)}”{reason}（新版本{saved.number}）。")
    raise web.HTTPSeeOther(f"{PAGE}/{name}")


async def _audit(request: web.Request, action: str, name: str, **detail) -> None:
    await request.app[AUDIT].record(current_account(request).username, action, f"faq:{name}",
                                    client_address(request), **detail)



@admin_only
async def new_topic_page(request: web.Request) -> web.StreamResponse:
    return await _new_topic_page(request, {})


async def _new_topic_page(request: web.Request, form: dict, status: int = 200, problems: Optional[List[str]] = None,
                          error: str = "") -> web.StreamResponse:
    return aiohttp_jinja2.render_template("answer_new.html", request, {
        "form": form, "problems": problems or [], "error": error, "min_examples": MIN_EXAMPLES,
        "reason_max": REASON_MAX}, status=status)


@admin_only
async def add_topic(request: web.Request) -> web.StreamResponse:
    posted = await request.post()
    form = {key: str(posted.get(key, ""))[:FORM_MAX] for key in
            ("name", "label", "short", "detail", "facts", "examples", "reason")}
    if not form["reason"].strip():
        return await _new_topic_page(request, form, 400, error=NO_REASON)
    clean = lambda key: form[key].replace("\r\n", "\n").strip()  # noqa: E731
    topic = NewTopic(clean("name"), clean("label"), clean("short"), clean("detail"),
                     tuple(parse_fact_lines(form["facts"])), tuple(example_lines(form["examples"])))
    try:
        await request.app[ANSWERS].add_topic(topic)
    except AnswerProblems as found:
        return await _new_topic_page(request, form, 400, problems=found.problems)
    except EditBusy:
        return await _new_topic_page(request, form, 409, error=BUSY)
    await _audit(request, "faq_topic_add", topic.name, label=topic.label, examples=len(topic.examples),
                 reason=form["reason"].strip()[:REASON_MAX])
    get_session(request).flash(f"已新增主题“{topic.label}”。重新训练并启用新模型后，职工就能问到它。")
    raise web.HTTPSeeOther(f"{PAGE}/{topic.name}")
