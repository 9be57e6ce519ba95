from bot.nlu.pinyin import abbreviation, pinyin_views, split_latin


def _bag(tokens):
    return set(" ".join(pinyin_views(tokens)).split())


def test_typed_pinyin_meets_the_characters_it_stands_for():
    typed = _bag(["laoban", " ", "bu", " ", "gei", " ", "gong", " ", "qian"])
    written = _bag(["老板", "不", "给", "工钱"])
    assert {"lao_ban", "bu_gei", "gong_qian"} <= typed & written


def test_homophone_typos_read_the_same():
    assert _bag(["公伤"]) == _bag(["工伤"])
    assert "tuo_qian" in _bag(["托欠"]) & _bag(["拖欠"])


def test_initials_abbreviate_words():
    assert abbreviation("公司") == "gs" and abbreviation("gs") == "gs"
    assert abbreviation("老板") == abbreviation("lb") == "lb"
    assert abbreviation("hr") == "hr"
    assert abbreviation("laoban") is None  # it is pinyin, not initials


def test_latin_words_split_into_the_fewest_syllables():
    assert split_latin("zenmeban") == ["zen", "me", "ban"]
    assert split_latin("xian") == ["xian"]
    assert split_latin("hr") is None and split_latin("12351") is None


def test_one_view_per_token_even_for_spaces_and_digits():
    tokens = ["欠", " ", "3000", "块"]
    assert len(pinyin_views(tokens)) == len(tokens)
    assert pinyin_views(tokens)[1] == "" and pinyin_views(tokens)[2] == ""
