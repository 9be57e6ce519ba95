from bot.nlu.option_reply import option_in


def test_bare_option_numbers_are_choices():
    for text, expected in [("1", 1), ("2", 2), (" 2。", 2), ("选1", 1), ("第二个", 2), ("二", 2), ("②", 2), ("1号", 1)]:
        assert option_in(text) == expected, text


def test_numbers_inside_a_message_are_not_choices():
    for text in ["12", "3", "1个月没发工资", "我要投诉 2", "GH202611260001", "", None, "二倍工资"]:
        assert option_in(text) is None, text
