import pytest

from bot.districts import CANONICAL, GENERATED, canonical_district

CONTRACT_DISTRICTS = (
    "东城区 西城区 朝阳区 海淀区 丰台区 石景山区 门头沟区 房山区 通州区 顺义区 "
    "昌平区 大兴区 怀柔区 平谷区 密云区 延庆区 北京经济技术开发区"
).split()


def test_canonical_names_are_exactly_the_contract():
    assert list(CANONICAL) == CONTRACT_DISTRICTS


@pytest.mark.parametrize(
    "text, district",
    [
        ("朝阳", "朝阳区"),
        ("我在亦庄上班", "北京经济技术开发区"),
        ("北京市大兴区黄村镇兴华大街", "大兴区"),
        ("经开区", "北京经济技术开发区"),
        ("北京经济技术开发区荣华中路", "北京经济技术开发区"),
        ("海澱區中關村", "海淀区"),
        ("上海市浦东新区", None),
        ("", None),
    ],
)
def test_canonical_district(text, district):
    assert canonical_district(text) == district


def test_generated_nlu_files_are_up_to_date():
    for path, render in GENERATED.items():
        assert path.read_text(encoding="utf-8") == render(), f"{path} is stale: run `python -m bot.districts`"
