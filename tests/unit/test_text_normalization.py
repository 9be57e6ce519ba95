import pytest

from bot.nlu.text_normalization import normalize


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("老闆拖欠工資怎麼辦", "老板拖欠工资怎么办"),
        ("ＧＨ２０２６１１０１００１２", "GH202611010012"),
        ("加班费怎么算？？？", "加班费怎么算?  "),
        ("气死了😡😡😡", "气死了😡  "),
        ("真的吗!!!!", "真的吗!   "),
        ("上班\u3000时间", "上班 时间"),
        ("普通的一句话", "普通的一句话"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["發現後來乾脆不給錢了！！😭😭", "😀👍🏻‍🔥", "", "ａｂｃ１２３，。"])
def test_length_is_preserved_so_entity_offsets_stay_valid(raw):
    assert len(normalize(raw)) == len(raw)
