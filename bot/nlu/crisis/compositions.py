"""Layer 2b: threats, group plans and people held, read as the parts of a sentence.

The word lists of `families` catch the phrasings somebody thought of; a threat said another
way (今天就是他的忌日, 让他见点血, 就让我在这里消失) slips through. Here a threat is a
composition — who acts, a harm done to a target, and what makes it real (a condition 再不给钱…就,
a resolve 想好了/大不了, a weapon, a moment 今晚) — so any harm word joins any trigger:
- the worker's threat: a trigger, then a harm to a person or their property;
- a threat to the worker: somebody says (说/放话/威胁) that a harm will come to me or mine;
- a group at the edge: a crowd plus a drastic act (a roof, the road, petrol, a weapon);
- people held: a price to leave, a locked door with guards, papers kept.
The guards (`guards.py`) still excuse a question about the law, a past or settled story, a
film or the news, and a wish taken back.
"""
from __future__ import annotations

import re
from typing import Tuple

from bot.nlu.crisis.families import (CONFINEMENT, EMPLOYER, EXPLICIT, GROUP_ACTION, GUARDED, NAMED_WEAPON, NOT_TOOL_USE,
                                     QUITTING, ROOF, STRONG, TARGET, VIOLENCE, Rule, near)

# Who harm is aimed at: the boss's side, a pronoun, or the worker and their family.
VICTIM = (TARGET + r"|监工|工长|班长|保安|那个(?:" + EMPLOYER + r")|我|俺|我们|俺们|你|老子|我家|你家|他家|全家|一家|"
          r"老婆|孩子|女儿|儿子|闺女|媳妇|爸|妈|家里人|家人")
# A harm that is violence whoever says it: to wound, to kill, to burn or blow up, to take a hostage.
# Slang and dialect verbs too: 嘎了他, 攮死, 刀了他, 做了他, 撂倒.
_HURT = (r"捅|砍|剁|宰|废|做掉|弄残|打残|打废|打瘸|打断|弄死|整死|搞死|打死|掐死|(?<!自)杀|埋|扔|烧|炸|点|泼|推下去|推下楼|嘎|噶|攮|刀了|"
         r"做了|办了|干掉|撂倒|放倒|毒死|药死|撞死|锤死|削死|揍死|开瓢|砸死")
# Verbs that mean to kill or maim whoever says them (not 烧/扔/点, which also serve dinner).
_HURT_ALONE = r"嘎|噶|攮死|攮|刀了|做掉|干掉|撂倒|毒死|药死|撞死|锤死|砸死|开瓢|弄残|打残|捅死|砍死|掐死"
# 恨不得掐死他: a wish said in anger, not a plan.
_NOT_A_WISH = r"(?<!恨不得)(?<!巴不得)(?<!恨不能)"
_WRECK = r"平了|砸了|烧了|炸了|点了|掀了|拆了|刨(?:了)?(?:他家|他的|他)?(?:的)?祖坟|祖坟(?:给)?刨"
HARD_HARM = (r"(?:" + _HURT + r")(?:了|掉|死|残|伤)?(?:" + VICTIM + r")(?!们?(?:电话|工资|钱|账|微信|一顿饭|的车胎))|"
             r"(?:把|将|让|叫|给|要)(?:那个|这个)?(?:" + VICTIM + r")(?:的)?(?:.{0,6})(?:捅|砍|剁|宰|废|做掉|弄残|打残|打废|打断|弄死|整死|搞死|"
             r"打死|杀|埋|扔(?:到|进)?(?:河|江|海|湖|水库|井)|推下|" + _HURT_ALONE + r"|(?:一把火)?烧|炸|见血|放血|偿命|陪葬|横着|竖着进来横着|下不了床|进医院|住院|"
             + _WRECK + r")|"
             r"见(?:点|个|了)?血|放(?:放|点|他的|你的)?血|血的代价|忌日|死期|不得好死|(?:一起|一块|一块儿|跟他)(?:完蛋|玩完|死|下地狱|见阎王)|"
             r"同归于尽|鱼死网破|你死我活|要(?:了)?(?:他|她|你|我|他们)(?:的)?(?:命|狗命|小命)|血债|偿命|心狠手辣|"
             r"(?:一|几)(?:锤子|榔头|刀|斧子|斧头|板砖|砖头|铁锹|棍子)(?:下去|过去|砸|劈|抡)|"
             r"(?:先|就|去)(?:弄|办|做)(?:了)?(?:他|她)(?:再|然后)|(?:带走|扣下|绑了|抓走).{0,8}(?:拿钱|来换|赎|领人)|"
             r"(?:放|下|投|加)(?:到|在|进)?(?:他|她|老板|工头|包工头)?的?(?:饭|水|杯子|茶|汤)里|拉(?:上|着)(?:" + TARGET + r")(?:一起|垫背|陪葬)?")
# Harm that is only a threat in a threatening sentence: 让他好看, 付出代价, 后悔.
SOFT_HARM = (r"好看|后悔|付出代价|代价|收拾|算账|出(?:这口)?气|不客气|干得出来|做得出来|不得安宁|教训|消失|走不出|出不了|好受|"
             r"饶不了|没完|吃不了兜着走|没好果子|活腻|别想活|活不过|见一次打一次|打一顿|揍一顿|修理|废了|拼了|拼命|玩命|豁出去|"
             r"拼到底|别怪我|翻脸|以牙还牙|下狠手|下手|(?:找|去|堵|等)(?:他|她|老板|包工头|工头|经理)(?:的)?(?:老婆|孩子|儿子|女儿|闺女|家人|爸妈)|"
             r"" + _WRECK)
# What turns a harm into a plan: a condition with its consequence, a resolve, a moment.
CONDITION = (r"再(?:不|敢|去|闹|来|要|告|找|躲|拖|赖|问|说|举报|投诉)|(?:要是|如果|若|敢)(?:再|还|敢)?|"
             r"不(?:给|还|结|撤|走|签|开门|交|发|下来|出来|在)|拿不到|要不到|逼急了|别逼我|你等着|等着瞧|走着瞧")
RESOLVE = (r"想好了|豁出去|大不了|不管后果|不计后果|不怕坐牢|坐牢也|进去也|横下心|非(?:要|得)|一定要|今晚|今夜|今天|明天|周末|"
           r"下午|晚上|明早|明儿|明天就|这就|马上|现在就|准备|打算|已经|忍到头|忍无可忍|咽不下|不活了也|拼了|到时候|"
           r"(?:我|俺|老子)(?:就|要|非|去|会|得)|叫好了|找好了|喊好了|约好了")
# Said after the harm, these own it (把他废了 说到做到); 我就… after it may be a take-back.
_OWNED = r"说到做到|大不了|豁出去|不怕坐牢|坐牢也|进去也|不管后果|不计后果|我是认真的|不是开玩笑|没开玩笑"
SAYS = r"(?<!小)说|放话|扬言|威胁|警告|吼|喊|撂下话|发来|发消息|打电话|骂|叫嚣"
# Harm promised to the one spoken to.
AGAINST_ME = (r"(?:让|叫|把|要|给|弄|找人|叫人)?(?:我|你|俺|我们|你们|我家|你家|我老婆|你老婆|我孩子|你孩子|我女儿|你女儿|"
              r"我儿子|你儿子|我家人|你家人|全家|家里人).{0,8}(?:" + SOFT_HARM + r"|小心(?:点)?(?:你|我)?(?:的)?(?:老婆|孩子|家|腿|命)|"
              r"打断|卸|埋|扔|沉|弄死|打死|砍|捅|烧|好过|站着|横着|走着|消失|出不去|回不去|活着)")
WEAPON_ACQUIRED = (r"(?:买|磨|藏|拿|带|揣|拎|掏|备|抄)(?:了|好|着|上)?(?:一|两|这)?(?:把|根|瓶|桶)?(?:刀" + NOT_TOOL_USE + r"|" + NAMED_WEAPON + r")")
GOING_AFTER = r"(?:去|找|等|堵|守|追|冲|上门|算账|讨个说法|讨说法|要个说法)(?:.{0,6})(?:" + TARGET + r"|监工|那个)|算账|讨说法"

# Cues read across the whole message rather than side by side: a harm aimed near a person, and
# anywhere a sign that it is meant (a moment, a plan, a condition, somebody who cannot stop it).
HARM_CUE = (r"(?:刀|斧|枪|弩|汽油|柴油|硫酸|炸药|雷管|钢管|铁棍|棍子|砖头|锤子|榔头|铁锹)(?!具|工|片|法|切|削|剁肉|砍骨|切菜|修|剪|拧|干活|上班|把|架|头肉)|"
            r"捅|砍|剁|宰|杀(?!价|毒|虫|菌|熟|鸡|鱼|猪|羊)|弄死|弄残|打死|打残|打断|卸(?=了|掉|他|老板|一条|条)|绑(?:了|架|起来|走)|毒(?:死|了)|扎(?=死|了他|他|老板)|"
            r"烧(?=了|死|他|掉|房|车|公司|厂)|一起烧|砸(?=了|烂|他|死|门|车|店|玻璃)|撞(?=死|他|人)|玩儿?命|拼命|拼了|同归于尽|一起死|见血|放血|"
            r"尝尝|见不到|算总账|办了|弄一个|整死|收拾|教训|废了|躺着|横着|进医院|偿命|报仇|报复")
INTENT_CUE = (r"今晚|今天|明天|现在|马上|已经|准备|打算|要去|我就|就去|要么|豁出去|说到做到|出门|拦不住|劝不住|我要|我去|老子|俺|"
              r"这次|这回|非得|非要|说要|再不|(?:" + CONDITION + r").{0,12}就")

_GROUP = (r"几十|几百|上百|十几|二三十|三十多|二十多|二十来|大家|大伙|工友们|工人们|兄弟们|老乡们|姐妹们|伙计们|全体|全厂|全班组|"
          r"整个工地|所有人|都去|都要去|全都|一帮|一群|一伙|我们几个|我们这些|我们全|我们都|咱们|集体|一起|一块|一块儿|结伴|号人|"
          r"[0-9一二三四五六七八九十两百几]+(?:个|名|多个|多名|来个|来|多|号)?(?:工友|工人|人|兄弟|农民工|师傅|员工|骑手|大姐|姐妹)")
_EDGE_ACT = (r"(?:上|爬|登|站|占|到|坐)(?:了|上|到|在)?.{0,6}(?:" + ROOF + r")|(?:" + ROOF + r").{0,8}(?:不下来|往下跳|跳下去)|"
             r"(?:路中间|马路中间|马路上|路口|高速|铁轨|桥上|大桥).{0,6}(?:坐|躺|堵|不走|拦|停)|(?:坐|躺|堵|拦|停)(?:在)?.{0,4}(?:路中间|马路中间|马路上|高速|大桥|桥上)|"
             r"汽油|柴油|(?:带|揣|拿|抄)(?:着|上|了)?(?:刀|家伙|钢管|棍子|铁锹)|家伙(?:都)?带上|(?:去|到|上)(?:他|她|老板|包工头|经理|工头|开发商)(?:的)?(?:家|家里|门口|楼下).{0,4}闹|"
             r"(?:死|跳)在(?:他|她|老板|公司|项目部)|(?:喝药|喝农药|往下推|往下跳|跳楼|跳河)|烧轮胎|点火|放火|(?:去|到|上)(?:了)?高速|"
             r"(?:售楼处|项目部|政府|门口|公司|办公室|他家)(?:里|门口)?(?:躺着|躺下|跪着|跪下|坐着不走|睡着不走|不走了)|住(?:在)?(?:他|她|老板|包工头)(?:的)?家(?:里)?不走|"
             r"(?:车|他的车|老板的车)(?:给)?扣(?:了|下|住)|(?:去|到)(?:了)?(?:" + ROOF + r"|高架)|" + _WRECK + r"|"
             r"(?:大门|门)(?:给)?焊死|焊死(?:大门|门)|谁(?:都|也)(?:别|不许|不准)(?:想)?(?:走|离开|出去|进出)|不让任何人进出")
_PLAN = r"准备|打算|商量好|约好|说好|决定|明天|明早|明儿|今晚|今天|后天|下午|马上|现在|已经|正在|正往|一早|集合"

_COMPOSED = (
    # the worker's threat (or anyone's): a trigger and a harm to somebody -----------------------
    (VIOLENCE, "harm planned", near(CONDITION + "|" + RESOLVE, HARD_HARM, 16) + "|" + near(HARD_HARM, _OWNED, 10), STRONG),
    (VIOLENCE, "threat on a condition", r"(?:" + CONDITION + r").{0,14}(?:就|我|老子|俺|那就|便)(?:.{0,10})(?:" + SOFT_HARM + r")|"
                                        r"(?:" + CONDITION + r").{0,14}(?:刀(?!具|片|工|法)|炸弹|枪|斧头|汽油)$", EXPLICIT),
    (VIOLENCE, "harm to a target", _NOT_A_WISH + r"(?:" + _HURT_ALONE + r")(?:了)?(?:他|她|那个|那狗|这个|" + EMPLOYER + r")(?!的|们|家的|一顿饭)", STRONG),
    (VIOLENCE, "going after somebody", near(WEAPON_ACQUIRED, GOING_AFTER + "|" + SOFT_HARM + "|" + HARD_HARM, 16, either_order=True)
     + "|" + near(RESOLVE, r"(?:去|找).{0,6}(?:" + SOFT_HARM + r")(?:他|她|那个|这个)?", 10), EXPLICIT),
    (VIOLENCE, "harm aimed and meant", r"^(?=.*(?:" + INTENT_CUE + r"))(?:.*?)(?:" + near(TARGET + r"|他爹|他妈|他儿子|他老婆|他家",
                                                                                      HARM_CUE, 12, either_order=True) + r")", EXPLICIT),
    # a threat to the worker ------------------------------------------------------------------
    (VIOLENCE, "threatened", near(SAYS, AGAINST_ME + "|" + HARD_HARM, 24), STRONG),
    (VIOLENCE, "weapon held to somebody", r"(?:刀|枪|棍子|钢管|铁棍|刀子|匕首|电棍)(?:子)?(?:顶|架|抵|指|戳|比)(?:着|在|住)(?:我|他|她|人|脖子|肚子|头)|"
                                           r"(?:把|将)(?:我|他|她|我们|人).{0,6}(?:打|揍|踹|踢)了(?:一顿|好几下|半天)|"
                                           r"(?:打|揍|踹|踢)了(?:我|他|她|我们)(?:一顿|好几下|半天)", STRONG),
    (VIOLENCE, "losing control", r"控制不住(?:自己)?.{0,8}(?:动手|打|杀|砍|捅|弄|做出|干出)|(?:干|做)出(?:什么|啥|点什么|点啥|过激|极端|傻)(?:的)?(?:事|来)|不知道(?:我)?(?:会|能)(?:干|做)(?:出)?(?:什么|啥)|"
                                 r"(?:知道|晓得|查到|打听|摸清|摸到|找到)(?:了|清楚了|到了|清)?(?:他|她|老板|包工头|工头|经理)(?:的)?(?:老婆|孩子|儿子|女儿|闺女|家人|爸妈|家|住处|住址|小区)?"
                                 r"(?:每天)?(?:在|住)?(?:哪|几点|什么时候|哪个学校)(?:出门|下班|回家|上班|上学|放学)?|"
                                 r"(?:孩子|儿子|女儿|闺女|老婆|家|住址)(?:在|住)(?:哪|哪里|哪个学校).{0,4}(?:都)?(?:知道|打听清楚|查到|摸清)", EXPLICIT),
    (VIOLENCE, "blows", r"(?:一|几)(?:拳|脚|巴掌|棍子|棍|砖头)(?:就)?(?:打|踹|踢|扇|抡|砸|呼)(?:在|到|过来)?(?:我|他|她|脸|头|身上|肚子|脑袋)|"
                        r"挨了(?:好几|几|一|两|三|十几)(?:脚|拳|巴掌|棍|刀|下|闷棍)|(?:开水|热水|热油|硫酸|汽油|油漆|粪水)(?:.{0,2})泼(?:我|他|她|人|了)|"
                        r"泼(?:了)?(?:我|他|她|人)(?:一身|一脸)(?:开水|热水|热油|硫酸|汽油)|"
                        r"(?:我|俺|" + VICTIM + r"|工友|同事|老乡)被.{0,6}(?:拖|架|绑|抓|拽|塞)(?:走|上车|进车)", GUARDED),
    (VIOLENCE, "watched at home", near(r"(?:我|俺|我们)?(?:家|宿舍|住的地方|出租屋)(?:门口|楼下|外面).{0,6}(?:转|蹲|守|盯|等|堵)",
                                       r"老板的人|派来|打手|说要|害怕|好怕|陌生|纹身|社会上|不敢出|威胁", 20, either_order=True), EXPLICIT),
    (VIOLENCE, "rampage", near(r"乱砸|乱砍|乱打|乱挥|见东西就砸|见人就|发酒疯|耍酒疯|追着(?:我|人|我们)?(?:打|砍)",
                               r"躲|害怕|好怕|拿着|刀|酒瓶|棍|砖|铁锹|不敢|快来", 16, either_order=True), GUARDED),
    (VIOLENCE, "followed home", near(r"一直跟着|跟着我|跟踪|尾随|盯着我|跟了我", r"害怕|好怕|派来|说要|威胁|再闹|再告|不敢回", 24, either_order=True),
     EXPLICIT),
    # a group at the edge --------------------------------------------------------------------
    (GROUP_ACTION, "group at the edge", near(_GROUP, _EDGE_ACT, 20) + "|" + near(_PLAN, _EDGE_ACT, 6), GUARDED),
    # people held ------------------------------------------------------------------------------
    (CONFINEMENT, "a price to leave", r"^(?!.*(?:" + QUITTING + r"))(?:.*?)(?:想走|要走|走人|离开|回家|放人|放我|放了|出去)(?:就|先|得|必须|要|的话)?(?:得|要|先)?"
                                       r".{0,4}(?:交|拿|给|付|赔|凑)(?:.{0,6})(?:钱|块|万|千|百)(?:.{0,3})(?:来换|才|赎)?|"
                                       r"拿钱(?:去|来)?(?:赎|领人)|赎(?:人|回来|出来)|来领人", EXPLICIT),
    (CONFINEMENT, "papers kept to keep me", near(r"身份证|证件|手机|护照", r"想走|要走|拿.{0,6}来换|来赎|才还|才给(?:我)?走", 20, either_order=True), STRONG),
    (CONFINEMENT, "kept until", r"^(?!.*(?:" + QUITTING + r"|合同|请假|休假))(?:.*?)(?:干满|干完|做满|做完|还清|还完|不干完|干不完|不还清)(?:.{0,8})"
                                r"(?:才(?:放人|放|让走|能走|许走|准走)|不(?:准|许|让|放)(?:我|我们|人)?(?:走|离开|回家))|"
                                r"派(?:了)?(?:[一两二三四五几]个)?人(?:跟着|看着|盯着|守着)|(?:上厕所|睡觉|吃饭|出门|干活)(?:都|也)?有人(?:跟|看|盯|守)|"
                                r"(?:我|俺|" + VICTIM + r"|工友|同事|老乡)被.{0,6}扣(?:下|住|留|押)(?!工资|钱|款|分|押金|证)|"
                                r"收(?:了|走)?(?:我|我们)?(?:的)?手机.{0,8}不让(?:我|我们)?(?:跟|和|给)?(?:家里|家人|外面|外人)?(?:联系|打电话)", STRONG),
    (CONFINEMENT, "forced to work", r"(?:被)?(?:押|逼|架|赶)着(?:我们|我|他们|人)?(?:去)?(?:上工|干活|上班|做工|下井|出海)|"
                                    r"(?:没|不让|靠不了|上不了)(?:靠)?岸|不让(?:我|我们|人)?(?:下船|出园区|出园|出村|出山)", STRONG),
    (CONFINEMENT, "leaving refused", r"^(?!.*(?:" + QUITTING + r"|请假|休假|过年|放假|批))(?:.*?)(?:想|要)(?:回家|走|离开|出去).{0,4}"
                                     r"(?:他们|老板|工头|船老大|那帮人|中介)?(?:不让|不许|不准|不放)", EXPLICIT),
    (CONFINEMENT, "locked in and watched", near(r"(?:大门|门|院门|厂门|铁门|院子)(?:一直|都|从外面|整天|天天|24小时)?(?:锁着|上锁|锁上|上了锁|反锁|锁死)",
                                                 r"出不去|看着|守着|狗|干活|不让|跑不|逃|保安|打手|不放", 20, either_order=True), EXPLICIT),
)

COMPOSED_RULES: Tuple[Rule, ...] = tuple(Rule(family, name, re.compile(pattern), strength)
                                         for family, name, pattern, strength in _COMPOSED)
