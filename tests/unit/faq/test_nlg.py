"""The Rasa server's response generator composes FAQ answers from the tracker and leaves every
other response to the domain."""
import asyncio
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.faq.answers import load_answers
from bot.faq.nlg import FaqAnswerGenerator

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = Domain.load([str(p) for p in sorted((ROOT / "bot" / "domain").glob("*.yml"))])
ANSWERS = load_answers()


def user(text, topic):
    parse = {"intent": {"name": "faq", "confidence": 0.9},
             "response_selector": {"faq": {"response": {"intent_response_key": f"faq/{topic}"}}}}
    return UserUttered(text, parse["intent"], [], parse)


def generate(events, action):
    tracker = DialogueStateTracker.from_events("w", [ActionExecuted("action_listen"), *events])
    return asyncio.run(FaqAnswerGenerator(domain=DOMAIN).generate(action, tracker, "wechat"))


def test_a_sub_question_is_answered_directly():
    response = generate([user("怀孕了公司逼我辞职", "women_protection")], "utter_faq/women_protection")
    assert response["text"].startswith("别签，") and response["metadata"]["faq"]["sub"] == "pressure"


def test_detail_follows_the_topic_of_the_conversation():
    events = [user("病假扣全月工资", "sick_leave"), ActionExecuted("utter_faq"), ActionExecuted("action_listen"),
              user("详细", "hotline_info")]
    assert generate(events, "utter_faq/hotline_info")["text"] == ANSWERS.topics["sick_leave"].detail


def test_other_responses_come_from_the_domain():
    response = generate([user("你好", "greet")], "utter_help")
    assert response["text"] == DOMAIN.responses["utter_help"][0]["text"]


def test_the_domain_arriving_with_the_model_reaches_the_generator():
    """Rasa's Agent builds the generator before loading the model, then gives the model's
    responses only to a TemplatedNaturalLanguageGenerator (rasa/core/agent.py, load_model)."""
    from rasa.core.agent import Agent
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.utils.endpoints import EndpointConfig

    agent = Agent(generator=EndpointConfig(type="bot.faq.nlg.FaqAnswerGenerator"))  # no model yet
    assert isinstance(agent.nlg, TemplatedNaturalLanguageGenerator) and agent.nlg.responses == {}
    agent.nlg.responses = DOMAIN.responses  # what load_model does for this class
    tracker = DialogueStateTracker.from_events("w", [ActionExecuted("action_listen")])
    assert asyncio.run(agent.nlg.generate("utter_greet", tracker, "rest"))["text"].startswith("您好")


def test_rasa_builds_the_generator_from_the_endpoints_file(monkeypatch):
    from rasa.core.nlg import NaturalLanguageGenerator

    # the values bot/rasa_server.py puts into the Rasa server's environment
    for name, value in {"ACTION_SERVER_URL": "http://127.0.0.1:5055/webhook", "ACTION_SERVER_TOKEN": "t" * 32,
                        "RASA_REDIS_HOST": "127.0.0.1", "RASA_REDIS_PORT": "6390", "RASA_REDIS_DB": "0",
                        "RASA_REDIS_PASSWORD": ""}.items():
        monkeypatch.setenv(name, value)
    from rasa.utils.endpoints import read_endpoint_config

    config = read_endpoint_config(str(ROOT / "bot" / "endpoints.yml"), "nlg")
    assert isinstance(NaturalLanguageGenerator.create(config, DOMAIN), FaqAnswerGenerator)
