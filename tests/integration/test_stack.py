"""`make run`'s launcher against a real Redis: every FAQ topic answered, Ctrl-C stops all,
and a conversation survives a restart of the whole stack (trackers live in Redis)."""
from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from bot.faq.answers import load_answers
from bot.faq.compose import compose
from bot.faq.context import Turn, question_of
from bot.settings import Settings
from tests.integration import rasa_tracker
from tests.integration.stack import Stack

ROOT = Path(__file__).resolve().parents[2]

QUESTIONS = {
    "wage_arrears": "包工头欠了我们半年工钱不给怎么办",
    "overtime_pay": "国庆节加班工资怎么算",
    "working_hours": "每天上班十二个小时合法吗",
    "minimum_wage": "北京最低工资标准是多少",
    "labor_contract": "上班两个月了公司还不跟我签合同",
    "probation": "签三年合同试用期最长多久",
    "dismissal": "公司把我辞退了有没有补偿",
    "resignation": "我想辞职要提前多少天说",
    "social_insurance": "公司不给我交社保",
    "work_injury": "上班路上被车撞了算不算工伤",
    "annual_leave": "带薪年假有几天",
    "maternity": "北京产假一共多少天",
    "labor_arbitration": "劳动仲裁要交钱吗",
    "legal_aid": "工会能提供免费律师吗",
    # A rider's "能入会吗" is platform_workers (its `union` sub answers it), so no rider here.
    "union_membership": "入工会有什么条件 会费多少",
    "mutual_aid": "职工医疗互助保障怎么报销",
    "hardship_aid": "家里生活困难能申请工会帮扶吗",
    "dispatch_work": "劳务派遣工和正式工同工同酬吗",
    "hotline_info": "工会的热线电话是多少",
    "skills_training": "工会有没有技能培训可以报名",
    "worker_culture": "乐工网是什么",
    "sick_leave": "病假期间公司只发几百块钱 合法吗",
    "leaving_certificate": "公司不给开离职证明怎么办",
    "severance_calc": "干了5年月薪8000被辞退能拿多少",
    "platform_workers": "送外卖被平台罚款了找谁说理",
    "women_protection": "怀孕了公司逼我辞职",
    "non_compete": "竞业协议没给补偿还有效吗",
}


def faq_responses() -> dict:
    """Each question's answer as bot/faq composes it from answers.yml (a conversation of its own)."""
    answers, average = load_answers(), Settings.from_env().average_monthly_wage
    return {topic: compose(answers, question_of([Turn(text, "faq", topic)], topic), average).text
            for topic, text in QUESTIONS.items()}


def send(port: int, sender: str, text: str) -> list:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return [m.get("text", "") for m in json.loads(response.read())]


@pytest.fixture
def stack(redis_server, model_path, tmp_path):
    running = Stack(redis_server["url"], tmp_path / "launcher.log", {"RASA_API_TOKEN": rasa_tracker.API_TOKEN}).start()
    yield running
    running.kill()


@pytest.mark.timeout(1200)  # two full start-ups, each loading the model on 2 shared cores
def test_every_faq_topic_is_answered_and_a_restart_keeps_the_conversation(stack, redis_server):
    answers = faq_responses()
    assert set(answers) == set(load_answers().topics)
    for topic, question in QUESTIONS.items():
        assert send(stack.rasa_port, f"worker-faq-{topic}", question) == [answers[topic]], topic

    greeting = send(stack.rasa_port, "worker-restart", "你好")
    assert "12351" in greeting[0]

    assert stack.interrupt() == 0, "Ctrl-C must stop every service cleanly"
    for port in (stack.rasa_port, stack.action_port):
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)

    stack.start()
    send(stack.rasa_port, "worker-restart", "年假有几天")
    texts = rasa_tracker.user_texts(stack.rasa_port, "worker-restart")
    assert texts == ["你好", "年假有几天"], "the conversation from before the restart was lost"
    assert stack.interrupt() == 0
