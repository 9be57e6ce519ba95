"""A worker taking back what alarmed us a moment ago: 刚才说不想活是气话 别当真.

Such a message repeats the alarming words (想死, 砍他, 跳楼) and places them 刚才, so every
other layer reads it as a crisis now: on two independent sets take-backs were the largest
family of false alarms (10 of 17 and 10 of 16). A take-back points back at an earlier
remark and withdraws it (气话, 开玩笑, 收回, 没那想法, 我没事了). It does not count when:
- the withdrawal is itself denied: 不是气话, 没开玩笑, 我不是说着玩的;
- the worker turns again afterwards: 刚才是气话 但是我真的撑不下去了;
- the message says the means is at hand or the act under way (药已经吃了, 还在楼顶, 正在).
Only this message raises no new alarm: the earlier one's stands. After an alarm the bot is
paused and staff hold the conversation (`bot.paused_crisis`), so a take-back reaches the person
already looking after the worker.
"""
from __future__ import annotations

import re
from typing import Optional

# Pointing back at an earlier message or remark.
BACK_REFERENCE = re.compile(r"刚才|刚刚|刚那|刚说|刚是|之前|前面|前头|上面|上一条|上条|那句|那话|那条|那几条|那些话|那些狠话|"
                            r"昨天|昨晚|说的那|那么说|这么说|说过|前阵子|前几天|那会儿|"
                            # or opening with reassurance, which answers the alarm the worker expects
                            r"^(?:放心|别担心|不用担心|别紧张|别怕|没事)")
# Withdrawing it. Each form is a whole phrase, so a denial in front of it can be checked.
WITHDRAWAL = re.compile(
    r"气话|气头上|一时冲动|冲动了|开玩笑|开个玩笑|玩笑话|说着玩|逗你|别当真|不用当真|当不得真|不算数|"
    r"乱说|瞎说|胡说|胡咧咧|说说而已|嘴上说说|随口说|随便说|发泄|过头话|话说重了|说重了|别误会|不是那个意思|"
    r"没那(?:个)?(?:想法|打算|意思|念头)|不会(?:真的|干傻事|做傻事|动手|跳|去做|那么做|这么做|乱来)|"
    r"想通了|想明白了|冷静(?:下来)?了|消气了|和好了|没事了|我没事|别紧张|不用(?:派人|来人|报警)|别报警|"
    r"丧气话|别往心里去|乱打的|打错字|发错了|乱发的|拿(?:我|俺)(?:的)?手机(?:乱)?(?:发|打)的|不会(?:那么|这么)干|缓过来了|救过来了|没(?:什么)?大碍|没想不开|不会想不开|"
    r"吵架(?:时|的时候)?说的|不是真(?:的)?(?:要|想)|"
    # Only with the words they need, since alone they also tell of danger: 老板吓唬我们,
    # 身份证被收回了, 之前工资挺好的 现在被锁在厂里.
    r"是(?:在|为了)?吓唬(?:他|她|lb|老板|包工头|工头|人|一下)|吓唬吓唬|"
    r"收回(?:那句|这句|刚才的|前面的|我的)?话|(?:话|那句|这句|那些)(?:我)?收回|"
    r"(?:我|人|我们|大家|俺)(?:现在)?(?:都)?(?:挺好的|好多了|好好的)"
)
# Withdrawals that are about an earlier remark by their very words: no pointing back needed.
SELF_EVIDENT = re.compile(r"气话|气头上|丧气话|玩笑话|说着玩|过头话|吵架(?:时|的时候)?说的|没想不开|不会想不开|说说而已|"
                          r"嘴上说说|随口(?:一)?说|随便说说|打错字")
# A denial just before the withdrawal turns it into an insistence: 不是气话, 没开玩笑.
_DENIED = re.compile(r"(?:不是|没|没有|并非|绝不是|可不是|真不是|不)$")
# Turning again after the withdrawal: 刚才是气话 但是我真的撑不下去了.
_TURN = re.compile(r"但是|但我|可是|可我|不过|其实|说真的|真的(?:不想|想死|撑不)|[?？]\s*不是|骗你(?:们)?的")
# The means at hand or the act under way: no longer a remark to withdraw.
_DANGER_NOW = re.compile(r"正在|还在(?:楼顶|顶上|上面|下面|里面|井下|桥上|河边|天台|塔吊)|被埋|埋在|困在|联系不上|没上来|已经(?:吃|喝|割|划|跳|点|砍|捅)|"
                         r"救命|快来|(?:刀|枪|汽油|药|绳子|农药)(?:就|都)?在(?:我)?(?:手里|手上|身上|包里|兜里)|(?:药|农药|安眠药)(?:都)?(?:吃|喝)了|血止不住|没气|不动了|"
                         # a farewell is not withdrawn by 我没事: 我没事 就是想跟大家告别
                         r"告别|永别|再见了|下辈子|最后一(?:次|条)|遗书|后事")


def retraction(text: str) -> Optional[str]:
    """Why `text` takes back an earlier alarming remark (the withdrawal's words), or None."""
    if _DANGER_NOW.search(text):
        return None
    withdrawals = WITHDRAWAL if BACK_REFERENCE.search(text) else SELF_EVIDENT
    for match in withdrawals.finditer(text):
        if _DENIED.search(text, max(0, match.start() - 3), match.start()):
            continue
        if _TURN.search(text, match.end()):
            return None
        return f"taken back: {match.group(0)}"
    return None
