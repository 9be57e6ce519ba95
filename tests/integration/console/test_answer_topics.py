"""An admin adds a FAQ topic in the console: answer, facts, 20+ examples and the safety net are
written where Rasa reads them (checked by Rasa's own importer), the answer is composable at once,
and nothing is written when the topic is incomplete or its examples repeat training or held-out
data. The console writes into a copy of the training tree (NLU_EXPORT_ROOT, FAQ_ANSWERS_FILE)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.faq.answer_checks import OFFER
from bot.faq.answers import AnswerStore
from bot.faq.compose import Question, compose
from bot.faq.new_topic import DOMAIN_FILE, NLU_FILE

ROOT = Path(__file__).resolve().parents[3]
NAME, LABEL = "heat_allowance", "高温津贴"
# Written for this test: how a worker might ask about heat allowance (not in any data set).
EXAMPLES = [
    "高温津贴每个月发多少", "夏天在工地干活有高温费吗", "老板说高温补贴包含在工资里了 对吗", "防暑降温费是必须给的吗",
    "七八月份户外送货 公司不给高温补助", "高温津贴从几月开始发", "室内有空调还有高温费吗", "35度以上还要我们干活合法吗",
    "高温天气单位不停工怎么办", "gaowen butie you mei you", "高溫津貼怎麼算", "热得中暑了 公司连绿豆汤都没有",
    "高温补贴能用饮料代替吗", "保安站岗算不算高温作业", "快递员夏天有没有高温费", "高温费是按天算还是按月算",
    "工厂车间温度四十度 有补贴吗", "中午最热的时候还让干活", "高温费没发 能投诉吗", "听说北京有高温津贴标准 是多少",
    "夏天加的高温费 算不算在最低工资里",
]
SHORT = "有高温津贴：夏季在高温下工作，单位应按规定发放，不能用饮料或防暑用品代替。\n保存考勤和工资条，没发的可拨12333投诉。"
DETAIL = ("高温天气下工作，单位应按规定发放高温津贴，并采取防暑降温措施，不能以发放饮料、防暑用品代替津贴。\n"
          "高温津贴不计入最低工资。具体标准以北京市人力资源和社会保障局最新公布为准。\n"
          "依据：《防暑降温措施管理办法》第17条。\n"
          "下一步：保存考勤、排班和工资条，先和单位协商；不发的拨12333投诉或申请劳动仲裁。\n" + OFFER)


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of what training reads: data, domain, held-out sets, config, answers."""
    for part in ("nlu_data", "bot/domain", "tests/nlu"):
        shutil.copytree(ROOT / part, tmp_path / part)
    shutil.copy(ROOT / "config.yml", tmp_path / "config.yml")
    (tmp_path / "bot" / "faq").mkdir(parents=True)
    for name in ("answers.yml", "required_facts.yml"):
        shutil.copy(ROOT / "bot" / "faq" / name, tmp_path / "bot" / "faq" / name)
    return tmp_path


@pytest.fixture
def extra_env(tree):
    return {"FAQ_ANSWERS_FILE": str(tree / "bot" / "faq" / "answers.yml"), "NLU_EXPORT_ROOT": str(tree)}


def topic_form(token, **changes):
    data = {"csrf_token": token, "name": NAME, "label": LABEL, "short": SHORT, "detail": DETAIL,
            "facts": "高温津贴\n不计入最低工资\n防暑降温措施管理办法", "examples": "\n".join(EXAMPLES),
            "reason": "夏季来电多，新增高温津贴主题"}
    data.update(changes)
    return data


def snapshot(tree: Path) -> dict:
    return {p: p.read_bytes() for p in tree.rglob("*.yml")}


async def test_a_new_topic_is_written_where_rasa_reads_it(console, sign_in, tree, audit):
    token = await sign_in("admin")
    response = await console.post("/admin/answers/new", data=topic_form(token), allow_redirects=False)
    assert response.status == 303, await response.text()
    assert response.headers["Location"] == f"/admin/answers/{NAME}"

    answers = AnswerStore(tree / "bot" / "faq" / "answers.yml").current()
    assert answers.topics[NAME].label == LABEL
    assert compose(answers, Question(NAME, "高温费给多少"), 11761).text.startswith("有高温津贴")

    from rasa.shared.importers.importer import TrainingDataImporter
    importer = TrainingDataImporter.load_from_config(str(tree / "config.yml"), str(tree / "bot" / "domain"),
                                                     [str(tree / "nlu_data")])
    nlu = importer.get_nlu_data()
    keys = [m.get("intent_response_key") for m in nlu.intent_examples]
    assert keys.count(f"faq/{NAME}") == len(EXAMPLES)
    assert f"utter_faq/{NAME}" in importer.get_domain().responses
    safety_net = yaml.safe_load((tree / DOMAIN_FILE).read_text(encoding="utf-8"))["responses"][f"utter_faq/{NAME}"]
    assert LABEL in safety_net[0]["text"] and "12351" in safety_net[0]["text"]

    page = await (await console.get("/admin/answers")).text()
    assert LABEL in page and f"/admin/answers/{NAME}" in page
    entry = next(e for e in await audit.recent() if e.action == "faq_topic_add")
    assert entry.actor == "admin" and entry.detail["examples"] == len(EXAMPLES)


@pytest.mark.parametrize("changes, problem", [
    ({"examples": "\n".join(EXAMPLES[:12])}, "至少需要20条不同的例句"),
    ({"examples": "\n".join(EXAMPLES[:19] + [EXAMPLES[0] + "！", EXAMPLES[1] + " "])}, "至少需要20条不同的例句"),
    ({"name": "minimum_wage"}, "已经存在"),
    ({"name": "Heat Allowance"}, "主题代码"),
    ({"label": "高温津贴2026"}, "主题名称"),
    ({"detail": DETAIL.replace("防暑降温措施管理办法", "有关规定")}, "缺少必备内容"),
    ({"short": SHORT * 3}, "超过一屏"),
    ({"reason": " "}, "请写明修改原因"),
])
async def test_an_incomplete_topic_is_explained_and_writes_nothing(console, sign_in, tree, changes, problem):
    before = snapshot(tree)
    token = await sign_in("admin")
    response = await console.post("/admin/answers/new", data=topic_form(token, **changes))
    assert response.status == 400
    assert problem in await response.text()
    assert snapshot(tree) == before


async def test_examples_from_training_or_held_out_sets_are_refused(console, sign_in, tree):
    trained = yaml.safe_load((tree / "nlu_data" / "nlu" / "faq.yml").read_text(encoding="utf-8"))
    a_training_example = next(line.strip()[2:] for block in trained["nlu"] for line in block["examples"].splitlines()
                              if line.strip().startswith("- ") and "[" not in line)
    heldout = yaml.safe_load((tree / "tests" / "nlu" / "heldout.yml").read_text(encoding="utf-8"))
    a_heldout_example = next(line.strip()[2:] for block in heldout["nlu"] for line in block["examples"].splitlines()
                             if line.strip().startswith("- ") and "[" not in line)
    before = snapshot(tree)
    token = await sign_in("admin")
    examples = "\n".join(EXAMPLES + [a_training_example, a_heldout_example])
    response = await console.post("/admin/answers/new", data=topic_form(token, examples=examples))
    html = await response.text()
    assert response.status == 400 and "已经是其他主题的训练数据" in html and "在留出测试集里" in html
    assert snapshot(tree) == before


async def test_only_admins_add_topics(console, sign_in, tree):
    before = snapshot(tree)
    for username in ("city", "chaoyang"):
        token = await sign_in(username)
        assert (await console.get("/admin/answers/new")).status == 403
        assert (await console.post("/admin/answers/new", data=topic_form(token))).status == 403
    assert snapshot(tree) == before
