"""Layer 3: what makes a death word harmless, or a weak signal not a crisis now.

Two kinds of guard:
- Intensifiers are masked before any family is matched: 累死了, 气死我了, 笑死, 饿死了,
  死活不给, 往死里加班, 拿命换钱 say "very", not "dead". Masking removes only these
  collocations, so an explicit word elsewhere in the message (不想活, 跳楼) still counts.
- Framing (a question about the law, something long past, a story from the news) suppresses
  the families marked `guarded` (accidents, fights, group plans) unless the message also
  says it is happening now. Strong families (self-harm in any wording, weapons, a threat to
  kill) are never suppressed: a worker who asks 跳楼算不算工伤 after saying they have the
  pills still gets help.
"""
from __future__ import annotations

import re
from typing import Optional

_FEELING = (
    "累|气|笑|饿|热|烦|冷|困|忙|吓|急|穷|憋|闷|痛|疼|渴|晒|冻|撑|坑|折腾|难受|无聊|丑|美|帅|香|馋|恨|愁|挤|吵|臭|"
    "脏|贵|麻烦|郁闷|心疼|恶心|担心|羡慕|尴尬|可怜|够呛|欺负|笨|懒|蠢|憋屈|委屈|窝囊|烦人|后悔|悔|乐|高兴|开心|"
    "感动|爽|舒服|好看|好吃|难吃|辣|咸|甜|酸|腻|熬|磨|耗|拖|压榨|剥削|盘剥|冤|屈|"
    "心烦|头疼|头痛|着急|焦虑|紧张|害怕|怕"
)
INTENSIFIERS = re.compile(
    rf"(?:{_FEELING})(?:得|的)?(?:我|俺|人|你|他|她|我们|大家)?(?:快|要|都快|都要|简直|真|半)?死(?:了|啦|啊|掉|人|我|你|他|她|个人|我们)?"
    r"|想死(?:你|我了|他|她|家|我们)"
    r"|(?:得|的)要死|要死要活|半死不活|要死不活|死活|往死里|拼死拼活|死皮赖脸|死缠烂打|死乞白赖"
    r"|死(?:贵|沉|心眼|心|磕|工资|板|机|守|扛|命|记|胡同|规定|账|对头|党|宅|鬼|丫头|老板|包工头|东西|脑筋|不要脸|要面子)"
    r"|死不(?:认账|承认|给|还|松口|讲理|要脸|悔改|认|开口|改)"
    r"|拿命(?:换钱|换来|挣|赚|在拼|在干)|血汗|流血流汗|流汗又流血|卖命|拼(?:了)?老命|(?:累|加班|加|干|做|忙|熬|气)(?:到|得)(?:我)?(?:都)?(?:快)?吐血|拼命(?:干|工作|加班|挣|赚|攒|学|跑|打工|上班|做)"
    r"|死亡|死者|死因|致死|死刑|死缓|(?:搞|整|玩|坑)死(?:我|人|我们)了"
    r"|(?:气|急|累|吓|笑|烦|热|闷|吵|忙|晒)(?:得|的)?(?:我)?(?:都)?(?:要|快|差点)?(?:吐血|晕过去|晕倒|晕|昏过去|炸了|爆炸)"
    r"|(?:脑袋|头|脑子|肺|心态|群|手机|朋友圈|肚子)(?:都)?(?:要|快)?(?:炸了|爆了)|爆炸性|想死的心都有|(?:扛|干|累|做|熬|忙|加班|搬|站|写|上班|上|学|跑)(?:到|得)(?:我)?(?:都)?(?:快)?想死|压力.{0,4}喘不过气|(?:压|憋|累|逼)得.{0,2}喘不过气|要人命|要了老命|要命了|天(?:都)?(?:要)?塌(?:了|下来)|夹在中间|(?:得|到)让人(?:都)?想(?:死|跳楼|自杀|撞墙)"
    r"|(?:不会|没有|没想过|从没|并不是|不是要|并没有|没(?:有)?人(?:要|想|会|说要)?)(?:去)?(?:自杀|轻生|跳楼|寻死|想不开|做傻事|一了百了)"
    r"|(?:自杀|轻生|跳楼|寻死|一了百了|想不开|想死)的(?:想法|念头).{0,2}(?:没有|没|不会有)"
    r"|不(?:闹事|闹|堵路|砸|打人|动手|违法|乱来|极端)|生不如死|救命钱|救命稻草|吓死宝宝|死鬼|该死的(?:天气|工作|公司)|打死(?:也|都)不|打我(?:电话|手机)"
)

LEGAL_QUESTION = re.compile(
    r"算不算|工伤|职业病|担责|产假|陪产假|休假|年假|住院期间|补贴|津贴|加班费|要我们赔|让我们赔|赔钱|病假|请假|调岗|算不算工伤|能算|怎么赔|赔多少|赔偿|补偿|待遇|补助|抚恤|丧葬|工亡|因工死亡|死亡赔偿|认定|鉴定|"
    r"违法吗|犯法吗|合法吗|违法不|犯法不|违不违法|犯不犯法|判几年|判刑|判了|验伤|会被抓|会坐牢|拘留|负责任|谁负责|谁来赔|谁赔|"
    r"报销|保险|理赔|能赔|可以赔|怎么算|怎么处理|流程|申请|起诉|仲裁|打官司|法律|责任|条例|规定|标准|医药费|医疗费|"
    r"误工|伤残|住院费|停工留薪|赔吗|要赔|负责吗|管不管|资质|许可证|资格证|上岗证|操作证"
)
PAST = re.compile(
    r"(?:有|发生|晕倒|困|受|出|经历|试|遇到|得|犯|杀|跳|死|晕|倒|摔|伤|打|关|堵|闹)过(?!去|来)|过一次|[0-9]{4}年|那件事|那次事|那事|去年|前年|上个月|上月|上周|上星期|上礼拜|上次|那次|以前|之前|曾经|当年|当时|那年|(?<!过)年前|早年|小时候|"
    r"上回|年轻(?:的)?时|那时候|那会儿|后来|[一二三四五六七八九十两几半0-9]+(?:个)?(?:月|年|周|星期|礼拜)(?:以)?前|已经过去|已经出院|出院了|早就好了|好了以后|康复"
)
REPORTED = re.compile(r"新闻|是真的吗|真的假的|是不是真的|转发|朋友圈|不知(?:道)?真假|热搜|微博|公众号|头条|"
                      r"短剧|追剧|剧里|剧中|情节|剧情|小品|台词|年会|主角|女主|男主|霸总|漫画|动漫|综艺|"
                      r"(?:那|这)(?:一)?(?:段|集|幕)|名场面|镜头|电视|电影|视频|抖音|快手|网上看|看到网上|听说|据说|报道|电视剧|游戏|歌词|段子|梦见|做梦|"
                      r"标语|口号|什么意思|啥意思|成语|俗话|剧组|拍戏|的戏|替身|演员|演戏|扮演|表演|演npc|演出|密室|剧本|演练|演习|模拟|培训|考试|宣传|讲座|看小说|写小说|小说里")
# Someone whose job is to meet the danger (a nurse's patients), not a worker in danger.
AS_A_JOB = re.compile(r"病人|患者|职业暴露|特殊工种|岗位津贴")
# 都说 alone was too loose: 话都说不出来 (a symptom) and 每次都说下个月 (the boss's excuse) are no hypothesis.
HYPOTHETICAL = re.compile(r"要真|真要|真(?:的)?(?:发生|出事)|(?:大家|人家|别人|老人|俗话)(?:都|常|老)?说|常说|老说|如果|假如|要是|万一|假设|比如|比方|例如|会不会|是不是|的话")
# Words that place the event now, or a first-person intention: framing no longer excuses it.
# 我想问 / 我要咨询 / 我就想知道: a worker asking, not an intention or a moment.
_ASKING = r"(?:问|咨询|了解|知道|请教|打听|查一下|查查|弄清楚|搞清楚)"
NOW = re.compile(
    r"现在就|现在在|人现在|刚刚|刚才|正在|还在|此刻|马上|立刻|立即|赶紧|赶快|快点|快来|快救|救命|来人|急急|今晚|"
    r"今早|今儿|明天|明早|明儿|后天|一会|等会|待会|这就|准备|打算|要去|就去|(?:我就|我要|老子)(?!想?" + _ASKING + r")|没醒|没气|不动了|怎么办啊|求求"
)
# The worker takes it back: 我想打他一顿 但是我不会.
TAKEN_BACK = re.compile(r"当然(?:我)?(?:也)?不会|我不会的|也就(?:想想|说说)|(?:但|但是|可|可是)(?:我)?不会|还是算了|想想而已|只是想想|我不会(?:这么|那样)?(?:做|干|去)|不会真的|说说而已|开玩笑|气话")
# A first-person or stated intention: an explicit word is then a statement, not a topic.
INTENT = re.compile(r"(?:我|俺|老子|咱)(?:真|都|也|就)?(?:想|要|就|准备|打算|会|得|决定)(?!想?" + _ASKING + r")|要去|就去|(?<!公司|领导|老板|单位)说要|非要|一定要|真想|今晚|"
                    r"今夜|马上|现在就|这就|刚刚|刚才|别劝|正在")


def mask_intensifiers(text: str) -> str:
    """The text with intensifier collocations blanked out (same length, so spans stay valid)."""
    return INTENSIFIERS.sub(lambda m: "_" * len(m.group(0)), text)


QUESTION = re.compile(r"吗|么|怎么|几年|几个月|多久|了没|能不能|可不可以|可以|算不算|多少|是否|有没有|呢|哪|谁")


def topic_frame(text: str) -> Optional[str]:
    """Why an explicit word is only the topic (员工自杀能认定工伤吗), or None if it is a statement.

    A legal word frames it only in a question: 工伤断了腿 老板不让去医院 is a statement.
    """
    if INTENT.search(text):
        return None
    return excusing_frame(text, legal=bool(QUESTION.search(text)))


def excusing_frame(text: str, legal: bool = True) -> Optional[str]:
    """Why a guarded signal in `text` is not a crisis now, or None if nothing excuses it."""
    if NOW.search(text):
        return None
    return _first_frame(text, STORY_FRAMES if legal else STORY_FRAMES[1:])


# Framings that excuse a signal, by name; the first that matches names the excuse.
STORY_FRAMES = (("legal question", LEGAL_QUESTION), ("at work, as a job", AS_A_JOB), ("past", PAST),
                ("reported", REPORTED), ("hypothetical", HYPOTHETICAL), ("taken back", TAKEN_BACK))


def _first_frame(text: str, frames) -> Optional[str]:
    for name, pattern in frames:
        match = pattern.search(text)
        if match:
            return f"{name}: {match.group(0)}"
    return None


# A trip or a gathering for pleasure or routine: a crowd and a bus are then an outing.
LEISURE = re.compile(r"团建|春游|秋游|旅游|旅行|郊游|聚餐|聚会|烧烤|爬山|农家乐|公园|游乐|年会|联欢|体检|参观|培训|"
                     r"看电影|唱歌|k歌|吃饭|喝酒|过生日|婚礼|喜酒|拜年|逛街|购物")


# The lawful ways of pressing a claim: a plan that names one is a complaint, not a drastic act.
LAWFUL = re.compile(r"投诉|仲裁|劳动局|劳动监察|监察大队|人社局|人社|法院|起诉|告(?:他|到|得|倒|垮|上法庭)|律师|法律援助|工会|"
                    r"12351|12345|代表|谈判|协商|调解|递材料|交材料|反映情况|信访|维权|证据|录音|录了音")
# Laughter or a game: a reading with no words to point at is then a joke or play.
PLAYING = re.compile(r"哈哈|嘿嘿|hhh|233|我的世界|王者|吃鸡|原神|英雄联盟|lol|手游|网游|副本|开黑")


def unanchored_frame(text: str) -> Optional[str]:
    """Why a reading with no words to point at (the learned reader's) is not a crisis now, or None.

    Stricter than `excusing_frame`: only a present danger (还在门口, 正在, 刚刚, 救命) overrides
    the framing, since a plan word such as 现在/明天/我就 says nothing about what alarmed it; and a
    lawful way (仲裁, 劳动局, 派代表去谈) or an outing explains a crowd or a plan.
    """
    if PRESENT_DANGER.search(text):
        return None
    return _first_frame(text, (("an outing or an errand", LEISURE), ("a lawful way", LAWFUL),
                               ("a joke or a game", PLAYING), *STORY_FRAMES))


# --- story frames: where in the message the signal sits ------------------------------------
# A story told and closed: 上个月被打的事派出所已经处理了. The signal before the closing words
# is excused when a past marker comes before it and nothing in the message says danger now.
RESOLVED = re.compile(r"(?:处理(?:好|完)?了|解决了|赔了|赔过了|救(?:回来|过来)了|(?:要|拿|讨)回来了|搬走了|出院了|没事了|"
                      r"平安(?:了|无事)|和解了|(?:都|早)过去了|结案了|道歉了|抓(?:起来|走)了|判了|调解了|结清了)")
PRESENT_DANGER = re.compile(r"还在(?:门口|外面|楼下|里面|屋里|上面|顶上|打|追|找|堵|守)|还没走|没走|正在|刚刚|刚才|救命|快来|"
                            r"又(?:打|来|关|锁|要跳|想死)|现在(?:人)?(?:还)?在(?:门口|外面|楼下|里面|楼顶|顶上|上面|屋里|宿舍|厂里|工地|这|那)")
# A violent wish the worker takes back after saying it: 真想把他车砸了 当然我不会的.
TAKEN_BACK_AFTER = re.compile(r"当然(?:我)?(?:也)?不会|我不会(?:的|这么|那样|真)|(?:但|但是|可|可是)(?:我)?不会|"
                              r"也就(?:想想|说说)|说说而已|想想而已|只是想想|气话|(?<!不是)(?<!没)(?<!不)开(?:个)?玩笑|(?:不过|但是?|可是?)(?:我)?还是|还是算了")
# An accident told together with its harmless outcome: 袖子卷了一下 没事.
NO_HARM = re.compile(r"没事|没(?:有)?(?:受伤|伤着|伤到|大碍|大事)|人没事|虚惊|已经好了")
# Something once seen or heard of, told as a memory: 小时候见过有人喝农药.
WITNESSED = re.compile(r"(?:见|看到|看见|听说|遇到|碰到|经历)过")
# A case supposed about somebody (如果有人拿刀威胁…怎么办); 要是再不给钱我就… stays a threat.
SUPPOSED_VICTIM = re.compile(r"(?:如果|假如|万一|假设|要是|假使)(?:有人|被|遇到|碰到|工人|员工|别人|职工|我们被|我被)")
# A dormitory closing at night is a house rule, not people held.
CURFEW = re.compile(r"门禁|宿管|(?:晚上|夜里|半夜)?[0-9一二三四五六七八九十]+点(?:半)?(?:以后|之后|就)?(?:锁门|关门|关大门)")
_OTHERS_HARM = ("violence", "confinement", "accident", "medical", "group_action")
_PAST_REACH = 16


# Between a past marker and the signal, the story comes back to the present: 之前身份证被收回了
# 现在不让我们走 is held now, whatever happened before.
_PRESENT_MARK = re.compile(r"现在|如今|眼下|这会儿|今天|今晚|此刻|目前")


def _now_between(text: str, start: int, end: int) -> bool:
    return bool(NOW.search(text, start, end) or _PRESENT_MARK.search(text, start, end))


def story_frame(text: str, start: int, end: int, family: str) -> Optional[str]:
    """Why the signal at text[start:end] belongs to a story, not to danger now, or None.

    Positions matter here: the same words after 后来…要回来了 (这次又拖 我不想活了) or with no
    past marker in reach are judged by the other layers as usual.
    """
    if PAST.search(text, 0, start) and not PRESENT_DANGER.search(text):
        closed = RESOLVED.search(text, end)
        if closed:
            return f"resolved story: {closed.group(0)}"
    if family == "confinement":
        curfew = CURFEW.search(text, max(0, start - _PAST_REACH), end)
        if curfew:
            return f"curfew: {curfew.group(0)}"
    seen = WITNESSED.search(text, max(0, start - _PAST_REACH), start)
    if seen and not PRESENT_DANGER.search(text):
        return f"witnessed long ago: {seen.group(0)}"
    if family in _OTHERS_HARM:
        supposed = SUPPOSED_VICTIM.search(text, max(0, start - _PAST_REACH), start)
        if supposed and not PRESENT_DANGER.search(text):
            return f"hypothetical: {supposed.group(0)}"
        past = PAST.search(text, max(0, start - _PAST_REACH), start)
        if past and not _now_between(text, past.end(), start) and not PRESENT_DANGER.search(text):
            return f"past: {past.group(0)}"
    if family in ("accident", "medical"):
        fine = NO_HARM.search(text, end, end + 12)
        if fine:
            return f"no harm: {fine.group(0)}"
    if family in ("violence", "group_action"):
        back = TAKEN_BACK_AFTER.search(text, end, end + 40)
        if back:
            return f"taken back: {back.group(0)}"
    return None
