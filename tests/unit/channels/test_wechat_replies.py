import xmltodict

from channels.wechat.replies import merge, split_utf8, text_reply_xml


def test_cdata_terminator_and_four_byte_emoji_stay_valid_xml():
    content = "注意 ]]> 这里 😀🙏 还有 <b>&amp;"
    parsed = xmltodict.parse(text_reply_xml("openid-1", "gh_account", content))["xml"]
    assert parsed["Content"] == content
    assert parsed["ToUserName"] == "openid-1" and parsed["MsgType"] == "text"


def test_merge_joins_one_turn_into_one_message():
    assert merge(["第一条", "", "  ", "第二条\n"]) == "第一条\n\n第二条"


def test_split_only_past_the_limit_and_never_inside_a_character():
    short = "加班费怎么算" * 10
    assert split_utf8(short) == [short]
    long = "\n".join(f"第{i}行：劳动合同法规定的内容😀" for i in range(200))
    chunks = split_utf8(long)
    assert len(chunks) > 1
    assert all(len(c.encode("utf-8")) <= 2048 for c in chunks)
    assert "\n".join(chunks) == long


def test_a_single_huge_line_is_cut_by_bytes():
    line = "字" * 2000  # 6000 bytes, no line breaks
    chunks = split_utf8(line)
    assert [len(c.encode("utf-8")) <= 2048 for c in chunks] == [True] * len(chunks)
    assert "".join(chunks) == line
