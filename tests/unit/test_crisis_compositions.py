"""The compositional threat, group and confinement rules (bot/nlu/crisis/compositions.py), and
the learned reader (bot/nlu/crisis/learned.py).

Every sentence was written for this file in a worker's voice, in rounds, before the rule that
now catches it existed: none of them raised an alarm with the detector as it stood before the
compositions (commit 9a00410). The rules alone (`learned=False`) must catch them, so that the
learned reader cannot hide a regression of the rules.
"""
import pytest

from bot.nlu.crisis import detect
from bot.nlu.crisis.learned import THRESHOLD, crisis_probability, training_examples
from bot.nlu.crisis.views import compact

# The worker (or a relative) about to hurt somebody, and threats or blows aimed at the worker.
VIOLENCE = [
    '工头再不结钱 明天就是他的死期',
    '包工头你等着 我饶不了你',
    '他今天不给我个说法 我让他出不了这个门',
    '这钱不给 老子跟他拼到底',
    '我兄弟们都叫好了 明天去把他工地给平了',
    '明天去他家 他不在就找他老婆孩子',
    '再拖一天 我就让他知道什么叫后悔',
    '我要让那个狗日的付出血的代价',
    '我想好了 先弄他 再弄我自己',
    '他要是再不给 我一锤子下去',
    '不给就别怪我心狠手辣',
    '我知道他每天几点出门 到时候有他好受的',
    '我打算把他儿子带走 让他拿钱来换',
    '工头一拳打在我脸上 我牙掉了',
    '我被老板的人堵在巷子里 挨了好几脚',
    '工友被几个人拖走了 不知道带去哪了',
    '老板娘拿开水泼我',
    '老板再不给钱 🔪',
    '再拖 我就把他嘎了',
    '我要刀了他',
    '我就攮死他个狗日的',
    '明天做了他',
    '我要给他公司送个炸弹',
    'nmd 这个月不结账 我去把他撂倒',
    '我要毒死那个包工头',
    '老板找的人把我堵在宿舍门口 说今天要我好看',
    '有人开着车在我家门口转了好几圈 说是老板的人',
    '工头喝多了 拿着酒瓶在宿舍里乱砸 我们都躲在外面',
    '我老公说明天去工地找包工头 我看见他把斧头塞包里了',
    '我爸气疯了 说这次要跟老板玩儿命 现在人已经出门了',
    '我控制不住我自己了 今天不给钱 我不知道我会干什么',
    '包工头要是不给 今晚我就蹲他家门口 他出来一个我弄一个',
    '俺这回豁出去了 不给钱就叫他躺着回去',
    '老子去他家 让他老婆孩子也尝尝没钱的滋味',
    '欠钱不还 我就把他家的狗毒了 再去找他',
    '工头说话不算数 我今晚去把他车胎扎了 再不给就扎他',
    '我弟带了几个人去讨债 说要卸老板一条胳膊',
    '我准备好了绳子 明天把那个包工头绑了 不给钱不放',
    '跟老板说 明天见不到钱 他就见不到他儿子',
    '我们宿舍的老张说今晚去把经理办了 我拦不住',
]
# A crowd about to do something drastic: a roof, the road, a blockade, a wrecking, a sit-in at his house.
GROUP_ACTION = [
    '工友们要去把老板的车扣了',
    '明早七点 工友集合 去高架桥上',
    '几十个人要去他老家把他家祖坟刨了',
    '班长说 明天都去他家 不给钱就住他家不走',
    '工友们准备在工地门口烧轮胎',
    '明天一起去高速收费站',
    '明天我们一起去他家闹',
    '带着孩子老人一起去售楼处躺着',
    '工友们要把工地大门焊死 不让任何人进出',
    '下午三点 所有人在项目部门口集合 不给钱今天谁都别走',
]
# People held: papers or phones kept, a price to leave, watched at work, not allowed ashore.
CONFINEMENT = [
    '他们收了我的手机 不让我跟家里联系',
    '在这里干活不给钱 也不让走 说干满一年才放人',
    '我女儿被他们扣下了 说要拿三万来领人',
    '老板说不干完不准走 派了两个人跟着我',
    '一直被人看着干活 上厕所都有人跟着',
    '我们在船上干活 他们不让我们下船',
    '被骗到这里 天天被逼着打电话骗人 不让出园区',
    '来了才知道是骗局 证件手机都被收了 每天被押着上工',
    '我在一个渔船上 半年没靠岸了 想回家他们不让',
]
# The same words where nobody is in danger: anger taken back, lawful plans, paperwork, tools,
# films and news, past events, idioms. Neither the rules nor the learned reader may alarm.
CALM = [
    "他再不给钱 我就去法院告他 告到他给为止",
    "老板你等着 我明天就去劳动监察大队投诉你",
    "我们二十多个人准备明天一起去人社局递材料",
    "大家约好了下周一起去申请劳动仲裁",
    "工友们商量好 明天派三个代表去找项目经理谈",
    "他要是不给 我就天天去他公司门口坐着要 合法吗",
    "身份证被公司拿去办社保了 什么时候能还我",
    "入职的时候手机要交给班长保管 下班再拿 这合理吗",
    "厨房切肉的刀太钝了 老板不给换",
    "昨晚看的电视剧里 工人把老板绑了 太假了",
    "新闻说有人爬上塔吊讨薪 后来被拘留了吗",
    "前年被工头打过一次 后来他赔了钱 这次又欠薪了",
    "我恨不得把他骂一顿 但还是想走正规渠道",
    "饿死了 项目部的饭什么时候好",
    "我们部门下周团建 一起去爬山 车都租好了",
    "这个月干得我想死的心都有 能不能调休",
    "员工在厂里被打伤 公司要赔吗",
    "被限制人身自由可以报警吗 想了解一下法律规定",
]


@pytest.mark.parametrize("text", VIOLENCE)
def test_threats_and_blows_are_violence(text):
    finding = detect(text, learned=False)
    assert finding.is_crisis and finding.family == "violence", finding.explain()


@pytest.mark.parametrize("text", GROUP_ACTION)
def test_a_crowd_at_the_edge_is_group_action(text):
    finding = detect(text, learned=False)
    assert finding.is_crisis and "group_action" in finding.families, finding.explain()


@pytest.mark.parametrize("text", CONFINEMENT)
def test_people_held_are_confinement(text):
    finding = detect(text, learned=False)
    assert finding.is_crisis and finding.family == "confinement", finding.explain()


@pytest.mark.parametrize("text", CALM)
def test_the_same_words_without_danger_raise_no_alarm(text):
    finding = detect(text)
    assert not finding.is_crisis, finding.explain()


def test_a_threat_taken_back_after_it_is_said_is_not_one():
    assert not detect("真想让他见点血 当然我不会的 就想问怎么申请仲裁").is_crisis


def test_a_knife_emoji_is_read_as_a_knife():
    assert compact("再不给钱 🔪") == "再不给钱刀"
    assert not detect("今天好热🔥 干完活了").is_crisis


# --- the learned reader --------------------------------------------------------------------
def test_the_learned_reader_trains_on_both_classes():
    labels = [label for _, label in training_examples()]
    assert labels.count(1) >= 300 and labels.count(0) >= 3000


def test_the_learned_reader_catches_what_no_rule_does_and_says_so():
    text = "那几个人找到宿舍了 说要带我去个地方 我不敢开门"
    assert not detect(text, learned=False).is_crisis
    finding = detect(text)
    assert crisis_probability(compact(text)) >= THRESHOLD
    assert finding.is_crisis and finding.family == "learned", finding.explain()


def test_the_learned_reading_gives_way_to_a_story_or_a_question():
    framed = "电视剧里那几个人找到宿舍 说要带他去个地方 他不敢开门"
    finding = detect(framed)
    assert not finding.is_crisis
    assert any(hit.family == "learned" for hit, _ in finding.excused), finding.explain()
