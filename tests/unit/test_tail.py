from bot.nlu.tail import tail_views


def _tail(tokens):
    return [v[len("tail_"):] for v in tail_views(tokens) if v]


def test_the_last_clause_is_the_tail():
    tokens = ["老板", "欠", "我", "三个月", "工资", "，", "我", "想", "投诉", "他"]
    assert _tail(tokens) == ["我", "想", "投诉", "他"]


def test_a_one_word_last_clause_takes_the_clause_before():
    tokens = ["我们", "都", "在", "这", "耗着", " ", "怎么办"]
    assert _tail(tokens) == ["我们", "都", "在", "这", "耗着", "怎么办"]


def test_run_on_text_keeps_its_last_words():
    tokens = list("从三月份干到十月份一分钱没给我想投诉")
    assert _tail(tokens) == list("钱没给我想投诉")[-6:]


def test_views_stay_aligned_with_tokens():
    tokens = ["加班费", "怎么", "算"]
    assert len(tail_views(tokens)) == 3 and _tail(tokens) == tokens
