"""The crisis detector's second round of mechanisms, each with crises and near misses.

Every sentence here was written for this file (not taken from any evaluation set). A group
names the mechanism it exercises; the negatives next to it are the everyday messages the same
mechanism must leave alone.
"""
import pytest

from bot.nlu.crisis import detect
from bot.nlu.crisis.pinyin_view import respell
from bot.nlu.crisis.views import in_mandarin


def _crisis(text: str, family: str = None) -> None:
    finding = detect(text)
    assert finding.is_crisis, f"missed: {text}"
    if family:
        assert family in finding.families, finding.explain()


def _calm(text: str) -> None:
    finding = detect(text)
    assert not finding.is_crisis, f"false alarm: {text} — {finding.explain()}"


# --- self-harm said without the words: farewells, belongings, last arrangements ------------
@pytest.mark.parametrize("text", [
    "请替我跟我妈说声对不起 这辈子没让她享福",
    "帮我转告我儿子 爸对不起他 别学我",
    "我的被褥和工具都送给隔壁床老张了 谢谢你们这段时间",
    "工钱我也不要了 银行卡留给我老婆吧 对不起",
    "以后都不用麻烦你们了 我东西都分了",
    "我把存款密码发给我姐了 以后她会用得上",
    "以后我闺女就拜托她姥姥了",
    "跟老婆说 下辈子再好好过",
    "这是我最后一次找你们了 谢谢",
    "给我妈打了最后一个电话 她不知道",
    "这几天把欠别人的钱都还上了 心里轻松了 该走了",
])
def test_farewells_and_last_arrangements_are_self_harm(text):
    _crisis(text, "self_harm")


@pytest.mark.parametrize("text", [
    "把铺盖都送给老乡了 明天回老家过年 谢谢你们帮我要工资",
    "以后不用麻烦你们了 钱要到了 谢谢",
    "我把工具都留给徒弟了 换个行业干",
    "我把二手车卖给了同事 要交税吗",
])
def test_leaving_a_job_or_saying_thanks_is_not_a_farewell(text):
    _calm(text)


@pytest.mark.parametrize("text", [
    "宿舍里生了个炭火 窗户缝都用胶带封死了",
    "在网上搜了好久怎么死不疼",
    "我问了好几个人吃什么药走的时候不疼",
    "今晚喝点酒 把药全吃了 就睡了",
    "真的撑不住了 刀片在手里",
])
def test_means_and_preparation_are_self_harm(text):
    _crisis(text, "self_harm")


def test_charcoal_for_heating_is_a_question_not_a_means():
    _calm("宿舍冬天烧炭取暖安全吗")


# --- dialect, abbreviations, homophones ------------------------------------------------------
@pytest.mark.parametrize("text", [
    "我这人冇用 唔想再活",
    "我係真系好攰 唔想再捱落去",
    "xbk了 真的 撑不住",
    "佢哋话再唔还钱就劏咗佢",
])
def test_cantonese_and_chat_abbreviations_are_read(text):
    _crisis(text)


def test_the_dialect_view_spells_the_rules_words():
    assert "不想再活" in in_mandarin("唔想再活")
    assert "不让俺走" in in_mandarin("不叫俺走")
    assert in_mandarin("bxh了") == "不想活了"


def test_a_homophone_needs_one_right_character():
    # 工资啥 sounds like 工自杀; 跳搂 is a slip for 跳楼 (one character right).
    assert "自杀" not in respell("工资啥时候发")
    assert "跳楼" in respell("我要跳搂")
    _calm("快饿死了 工资啥时候到账")


# --- being attacked, threats ---------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "老板带的人把我按在地上踢 现在人还在楼下转",
    "被几个人围着揍了一顿 他们还没走 我躲在厕所",
    "叫人把我达了一顿 满脸是血",
    "他揪着我头发往墙上撞",
    "半夜有个男的一直踹我宿舍门 我不敢开",
    "讨债的说知道我儿子在哪上学 让我小心点",
    "他们说明天去幼儿园门口等孩子",
    "他们说不给钱就把我女儿带走",
    "那几个讨债的天天在我家楼下守着 说见一次打一次",
    "老板说今天谁敢去劳动局 明天就别想站着回来",
    "工头说再去举报就让我在北京待不下去 还说知道我住哪",
    "有人天天跟踪我 说要让我好看",
    "他拎着刀指着我们说谁再闹就放谁的血",
])
def test_attacks_under_way_and_threats_are_violence(text):
    _crisis(text, "violence")


@pytest.mark.parametrize("text", [
    "老板再不给钱 我就让他全家陪着",
    "我已经找好人了 今晚去收拾那个包工头",
    "他要敢不给 我让他见不到明天的太阳",
    "我已经把汽油倒在他办公室门口了",
    "不给钱我就去炸了他的工地",
])
def test_threats_by_the_worker_are_violence(text):
    _crisis(text, "violence")


def test_fire_at_the_bosss_door_is_a_crisis_whoever_it_would_burn():
    # Setting oneself alight at the company is a protest workers threaten too: either family.
    _crisis("老板要是明天还不给 我就在他公司门口点火")


@pytest.mark.parametrize("text", [
    "气得想把他办公室砸了 当然我不会的 我就想问仲裁怎么申请",
    "如果有人拿刀威胁我要工资 怎么办",
    "短视频里有人拿刀砍西瓜",
    "我跟他拼了老命干活 结果不给钱",
    "他们知道我在哪上班吗 我换工作了 社保怎么转",
])
def test_anger_taken_back_and_supposed_cases_are_not_threats(text):
    _calm(text)


# --- confinement: debt, sale, guarded people -------------------------------------------------
@pytest.mark.parametrize("text", [
    "中介说交三千块押金才放我弟走",
    "欠他们的介绍费没还清 不让我们出门",
    "工厂说欠他们路费 干完三个月才放我们回家",
    "我哥被人卖到了山西一个砖厂",
    "老板拿我们的工钱抵债 还说谁跑就打断腿",
    "他们不叫我们走 手机也收了",
    "老板把大门锁了 谁也不让出 说干完活才开门",
    "我被控制了 现在偷偷用别人手机发的",
    "几个穿黑衣服的把工友拖上面包车拉走了",
])
def test_people_held_for_debt_or_sold_are_confined(text):
    _crisis(text)


@pytest.mark.parametrize("text", [
    "想辞职 公司不让走 说要赔违约金",
    "老板说交了培训费才能上岗",
    "欠的钱还清了才能办离职吗",
    "宿舍晚上十一点锁门 出不去 合理吗",
    "我们公司突然说要优化 给我一个月工资就让我走 这个补偿对吗",
])
def test_labour_disputes_and_house_rules_are_not_confinement(text):
    _calm(text)


# --- groups, accidents, medical --------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "大家约好了后天去市政府 横幅都印好了",
    "我们几十个人准备明天去天安门",
    "村里十几个人要去拦高铁",
])
def test_group_trips_to_protest_sites_are_group_action(text):
    _crisis(text, "group_action")


@pytest.mark.parametrize("text", [
    "我们车间组织明天去公园团建 大巴车都租好了",
    "我们打算去区政府问问政策 办点手续",
    "我们工友准备一起写联名信去劳动局",
])
def test_outings_and_errands_are_not_group_action(text):
    _calm(text)


@pytest.mark.parametrize("text", [
    "工地搅拌机把人卷进去了",
    "车间冲床夹住人了 快来",
    "车间里有人被机器咬住手了",
    "电焊把油桶点着了 火越来越大",
])
def test_accidents_under_way(text):
    _crisis(text, "accident")


@pytest.mark.parametrize("text", [
    "我爸吃饭的时候突然嘴歪了 说话也不清楚",
    "师傅从梯子上下来一头栽倒 叫他不应",
    "工友把洗洁精当水喝了 现在一直吐",
    "误喝了防冻液 肚子像火烧",
    "我老婆躺床上 喊她她也不怎么应",
    "高温干了一天 我哥浑身抽筋 人有点迷糊",
    "师傅说胸口像压了块石头 满头大汗",
])
def test_medical_emergencies(text):
    _crisis(text, "medical")


@pytest.mark.parametrize("text", [
    "机器把我衣服袖子卷了一下 没事",
    "喝错了药 吃了两片感冒药 有事吗",
    "嘴歪了是面瘫吗 要多久好",
    "叫他不应 他天天戴耳机 怎么跟他沟通",
    "我在医院急诊科做护士 常见抽搐昏迷病人 这算职业暴露吗",
    "我们公司是做爆破的 炸药管理员工资一般多少",
    "我是做烟花的 爆炸品运输要什么证",
    "加班加到吐血 工资还少",
    "我被公司裁了 天塌了",
])
def test_harmless_outcomes_questions_and_jobs_are_not_emergencies(text):
    _calm(text)


# --- story frames: where the signal sits in the message -------------------------------------
@pytest.mark.parametrize("text", [
    "去年在工地被打的事法院已经判了 赔偿也到账了 想问下个税",
    "上次煤气泄漏是前年的事 早就解决了 这次问问公积金",
    "以前我也想过跳楼 后来工会帮我把钱要回来了 现在挺好 想问社保",
    "我妈说她年轻那会儿在纺织厂被关着加班 现在还有这种事吗",
    "去年我妈中风嘴歪 现在在康复",
    "小时候在村里见过有人喝农药 现在想起来还怕",
])
def test_a_story_that_ended_or_lies_in_the_past_is_not_a_crisis_now(text):
    _calm(text)


@pytest.mark.parametrize("text", [
    "以前被拖欠过 后来要回来了 这次又拖了半年 我不想活了",
    "去年被打的事已经处理了 可今天他们又来了 还在门口堵着",
])
def test_a_crisis_after_a_closed_story_still_counts(text):
    _crisis(text)


@pytest.mark.parametrize("text", [
    "追剧追到那个被绑架的情节 哭死",
    "短剧里男主把人关在地下室 演得太假",
    "小品里演一个被打的保安 台词怎么写好",
    "热搜上那个外卖员被撞的事 后来赔了多少",
    "朋友圈有人转发说一个工地塌了 不知道真假",
    "要真出了事故 工伤怎么认定",
    "游戏里被人砍死了 好气",
])
def test_fiction_news_and_hypotheticals_are_not_crises(text):
    _calm(text)


def test_the_excuse_is_explained():
    finding = detect("上个月被打的事派出所已经处理了 想问工资")
    assert not finding.is_crisis
    assert "resolved story" in finding.explain()


@pytest.mark.parametrize("text", [
    "孩子被黑中介带到砖厂 电话打不通 上次通话说有人看着他",
    "我侄子被带到缅甸了 说不交钱就不放人",
    "我被中介扣在宿舍里 已经两天没吃东西",
    "门卫不让我们出厂 说老板交代的 谁出去就扣一个月工资还要打",
    "我们在船上干活 上岸的机会都没有 船老大说欠他钱",
])
def test_people_taken_away_and_cut_off_are_confined(text):
    _crisis(text, "confinement")


@pytest.mark.parametrize("text", [
    "招童工违法吗 罚多少",
    "工厂雇了几个十五六岁的孩子干活 应该向哪里举报",
    "中介费交了五千 工作没落实 能退吗",
    "工厂封闭管理 一周只能出去一次 这合法吗",
])
def test_child_labour_and_fees_questions_are_appeals_not_emergencies(text):
    _calm(text)


@pytest.mark.parametrize("text", [
    "我是甘肃的在昌平一个厂子干了八个月老板一直说下个月发今天又说没钱我已经没脸给家里打电话了"
    "今晚就不回宿舍了去河边坐坐 你们不用回我了",
    "我在丰台一个物流园干装卸 从三月干到现在 工资一共拖了两万一 老板天天躲着 我找了三次劳动站都说等 "
    "我媳妇要生了 家里催钱 我真的扛不住了 药都备好了",
    "有人从塔吊上掉下来了",
    "我们几百号人现在就在项目部门口 要是老板还不出来就把门砸了",
])
def test_the_crisis_at_the_end_of_a_long_story_counts(text):
    _crisis(text)


def test_a_question_about_the_sentence_is_not_a_crisis():
    _calm("非法拘禁判几年")


@pytest.mark.parametrize("text", [
    "今天就跟他们干了 谁怕谁",
    "刀我揣好了 就在他小区门口等着",
    "晚上带几个兄弟去他家 让他知道厉害",
    "电梯坠了 里面有人",
    "已经写好了信 放在桌上 对不起大家",
    "没人在乎我 我消失了也没人知道",
    "老板说不还钱就让我在这干到死 门口有人守",
])
def test_more_indirect_crises(text):
    _crisis(text)


@pytest.mark.parametrize("text", [
    "前几个月被老板推了一下 后来和解了 这次想问加班费",
    "这工资低得让人想跳楼 开个玩笑 问下最低工资标准",
    "有个工友说他老家有人被骗去缅甸 是真的吗",
    "我今天就跟他们干了一天活 腰疼",
])
def test_more_near_misses(text):
    _calm(text)


def test_self_harm_said_as_a_joke_still_gets_help():
    # Taking words back excuses anger at others, never a wish to die: a person reads it.
    assert detect("我累得不想活了 哈哈开玩笑 加班费怎么算").is_crisis


@pytest.mark.parametrize("text", [
    "我们准备明天去市里闹一闹 不给钱就不走了",
    "大伙商量着今晚把老板的车扣下",
    "今晚要去把工地的机器全砸了",
    "在草丛里干活被毒蛇咬了 腿肿了",
    "我哥干活时突然说看不清 然后就倒了",
])
def test_group_plans_wrecking_bites_and_collapse(text):
    _crisis(text)


@pytest.mark.parametrize("text", [
    "恨不得把他厂子烧了 开玩笑的 我想问怎么申请仲裁",
    "真想去他公司大闹一场 不过还是先问问 正规的投诉电话是多少",
    "搬机器的时候不小心把车间玻璃砸坏了 要我赔吗",
])
def test_anger_taken_back_is_not_a_plan(text):
    _calm(text)


def test_not_a_joke_keeps_the_threat():
    assert detect("再不结账我就去砍人 不是开玩笑").is_crisis


@pytest.mark.parametrize("text", [
    "我想问一下 员工自杀算工伤吗",
    "我要咨询 工友跳楼了公司要赔多少",
    "我想了解非法拘禁怎么认定",
    "我想知道被打了去哪验伤",
    "我要问问 煤气中毒算不算工伤",
    "我就想问 农民工讨薪跳楼的 最后判了没有",
    "我是搬运工 扛水泥扛到想死 每天能拿多少",
    "老板说要弄死这个项目 我们会不会失业",
    "组长说这批货做不完谁也别想下班",
])
def test_asking_is_not_an_intention(text):
    # 我想问 / 我要咨询 introduce a question: the crisis word stays a topic.
    _calm(text)


@pytest.mark.parametrize("text", [
    "我想问一下 吃多少安眠药会死",
    "从几楼跳下去会死",
    "我想知道跳楼疼不疼",
    "我要问问 我现在被打了 人还在门口 怎么办",
    "我想了解一下 自杀的人家属能拿赔偿吗 我不想活了",
])
def test_a_question_about_a_method_or_with_danger_now_still_gets_help(text):
    _crisis(text)


@pytest.mark.parametrize("text", [
    "我真的好累 想睡一觉再也不醒来",
    "把我骨灰撒回老家吧",
    "我已经跟这个世界告别过了",
    "谢谢你们 你们是好人 下辈子报答",
    "这是我今天第三次站在窗边了",
    "我的保险单放在抽屉里 受益人是我妈",
    "要是我明天没消息了 帮我报个平安给家里",
    "我不会再麻烦任何人了",
    "想去一个没有人认识我的地方 永远消失",
    "我给自己买了块墓地",
    "我今天把猫送人了 以后没人照顾它了",
    "刚割了 止不住血",
])
def test_what_comes_after_me_is_self_harm(text):
    _crisis(text, "self_harm")


@pytest.mark.parametrize("text", [
    "这个工具我用不上了 送给工友了",
    "回老家了 电动车留给老乡 我用不上了",
    "猫送人了 宿舍不让养",
    "我的保险单放在抽屉里 受益人怎么改",
    "墓地多少钱 给我爸买的",
    "那部剧里主角最后永远消失了",
    "割了一上午的草 手被划破了 流了点血",
    "下辈子做牛做马也不来这个厂了",
])
def test_everyday_errands_are_not_last_arrangements(text):
    _calm(text)


@pytest.mark.parametrize("text", [
    "包工头的侄子拿砖拍我 我躲进了工友的车里",
    "那帮人堵在宿舍门口 说出来一个打一个",
    "我被老板踹了好几脚 肋骨疼得喘不了气",
    "讨薪的时候被几个人拉到巷子里打了 现在还在流鼻血",
    "他把我手机摔了 还扇了我几巴掌 现在在楼下等着",
    "老板娘叫人把我老婆拖走了 不知道去哪了",
])
def test_blows_landed_and_people_dragged_away(text):
    _crisis(text, "violence")


@pytest.mark.parametrize("text", [
    "被老板打了个电话叫回去加班",
    "被公司打了一半工资",
    "打了两下卡没反应",
])
def test_calls_and_card_swipes_are_not_blows(text):
    _calm(text)


# --- A danger in one clause of a long question: the learned reader also reads windows -------
from bot.nlu.crisis.learned import THRESHOLD, crisis_probability, strongest_reading  # noqa: E402
from bot.nlu.crisis.views import views_of  # noqa: E402

DILUTED = [
    "请问一下我们公司年底发的年终奖要不要交个税 还有社保基数每年七月调整吗 另外刚才我们车间的老刘突然捂着胸口倒地上了 脸发紫 "
    "喊也不应 我们公司这种情况工资怎么算",
    "想咨询劳动合同到期公司不续签有没有补偿 我干了六年了每个月八千 对了我同屋的小伙子把自己反锁在屋里好几个钟头了 敲门没动静 "
    "屋里有炭盆的味道 另外补偿是按税前算吗",
]
LONG_AND_CALM = [
    "师傅你好我在顺义一个物流园开叉车干了四年了 公司一直按最低工资给我们交社保 上个月人事说要调岗到外地 不去就算自动离职 "
    "我想问这样合法吗 要是不去能拿补偿吗",
    "我们装修队十来个人从五月干到现在 老板说等甲方结款 一直拖着 大家都急得睡不着觉 天天在群里骂 想问一下走仲裁要多久 "
    "要准备什么材料 工友们都说要一起去",
    # The issue's own example: cut at 我们十几个人都, a window read 0.82.
    "师傅你好我是河南的在通州宋庄一个工地干木工从三月份干到十月份说好的一天三百五到现在就给了生活费包工头说上面没拨款 "
    "我们十几个人都在这耗着 怎么办",
    "我们班组二十多个人 老板欠了半年工资 说过完年再给 大伙都没钱回家过年了 在宿舍里等着 我想问问能不能一起去仲裁",
]


@pytest.mark.parametrize("text", DILUTED)
def test_the_reader_finds_a_danger_the_whole_story_dilutes(text):
    plain = views_of(text).compact
    assert crisis_probability(plain) < THRESHOLD <= strongest_reading(plain)


@pytest.mark.parametrize("text", LONG_AND_CALM)
def test_windows_of_a_long_calm_story_stay_calm(text):
    assert strongest_reading(views_of(text).compact) < THRESHOLD
    _calm(text)


def test_the_commonest_story_keeps_a_margin_below_the_threshold():
    # Group wage stories are what workers send most; a false alarm there pauses the bot.
    assert strongest_reading(views_of(LONG_AND_CALM[2]).compact) < THRESHOLD - 0.1
