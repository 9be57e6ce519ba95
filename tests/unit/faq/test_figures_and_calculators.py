"""The worker's figures as written (Chinese numerals included) and the four estimates."""
import pytest

from bot.faq import calculators as calc
from bot.faq.figures import merged, read_figures


@pytest.mark.parametrize("text, wage", [
    ("月薪8000", 8000), ("月薪八千", 8000), ("工资1.2万", 12000), ("一万二左右", 12000), ("8k", 8000),
    ("工资3千5", 3500), ("两万五", 25000), ("到手五千五", 5500), ("8000", 8000), ("每个月6000块", 6000),
])
def test_monthly_wage(text, wage):
    assert read_figures(text).wage == wage


@pytest.mark.parametrize("text", ["千万别签", "万一被辞退", "欠了三个月工资", "打12351", "886", "试用期3个月"])
def test_words_that_are_not_a_wage(text):
    assert read_figures(text).wage is None


@pytest.mark.parametrize("text, months", [
    ("干了5年", 60), ("五年半", 66), ("干了一年半", 18), ("三年零五个月", 41), ("干了十个月", 10),
    ("工作十二年了", 144), ("在这干了8年", 96), ("两年半", 30),
])
def test_length_of_service(text, months):
    assert read_figures(text).service_months == months


@pytest.mark.parametrize("text", ["2025年9月入职", "5天年假没休", "试用期3个月", "欠了三个月工资"])
def test_dates_leave_and_wages_owed_are_not_service(text):
    assert read_figures(text).service_months is None


def test_overtime_hours_by_kind():
    figures = read_figures("平时加班20小时 周末加了两天班 国庆上了三天班 工资5000")
    assert (figures.workday_hours, figures.restday_hours, figures.holiday_hours) == (20, 16, 24)
    assert read_figures("加班了三十个小时").workday_hours == 30  # "三十" is a number, not 年三十


def test_untaken_leave_days_and_unlawful():
    assert read_figures("去年5天年假没休 月薪6000").leave_days == 5
    assert read_figures("违法辞退 干了两年").unlawful and not read_figures("被辞退 干了两年").unlawful


def test_figures_of_a_conversation_latest_wins():
    figures = merged(["干了5年被辞退", "月薪八千", "不对 月薪九千"])
    assert (figures.service_months, figures.wage) == (60, 9000)


@pytest.mark.parametrize("months, n", [(0, 0), (4, 0.5), (6, 1), (12, 1), (41, 3.5), (66, 6), (60, 5)])
def test_severance_months(months, n):
    assert calc.severance_months(months) == n


def test_severance_lawful_unlawful_and_both_caps():
    assert calc.severance(60, 8000, False, 11761).amount == 40000
    assert calc.severance(60, 8000, True, 11761).amount == 80000
    capped = calc.severance(240, 50000, False, 11761)
    assert capped.capped and capped.wage_used == 35283 and capped.n_months == 12
    assert capped.amount == 12 * 35283 and "封顶" in capped.working
    below = calc.severance(240, 30000, False, 11761)
    assert not below.capped and below.n_months == 20  # the 12-year limit only with the wage cap


def test_overtime_pay_rates_and_hourly_base():
    result = calc.overtime_pay(6000, workday_hours=20)
    assert round(result.hourly, 2) == 34.48 and round(result.amount, 2) == 1034.48
    assert round(calc.overtime_pay(6000, restday_hours=8).amount, 2) == round(6000 / 21.75 / 8 * 8 * 2, 2)
    assert round(calc.overtime_pay(6000, holiday_hours=8).amount, 2) == round(6000 / 21.75 * 3, 2)


@pytest.mark.parametrize("years, days", [(0.5, 0), (1, 5), (9.9, 5), (10, 10), (19, 10), (20, 15), (35, 15)])
def test_annual_leave_days(years, days):
    assert calc.annual_leave_days(years) == days


def test_untaken_leave_pay_is_200_percent_on_top():
    result = calc.untaken_leave_pay(6000, 5)
    assert round(result.extra, 2) == 2758.62 and "200%" in result.working


def test_estimates_read_as_estimates():
    assert calc.rounded(40000) == "约4万元" and calc.rounded(1034.48) == "约1034元"
    assert calc.rounded(423396) == "约42.33万元"


@pytest.mark.parametrize("text, contract, probation", [
    ("签了两年合同 试用期给我定了半年", 24, 6), ("合同签一年", 12, None), ("三年的劳动合同", 36, None),
    ("合同就签了半年 试用期最多多久", 6, None), ("一年的合同试用期三个月", 12, 3),
    ("无固定期限合同试用期多长", calc.OPEN_ENDED, None), ("试用期3个月", None, 3),
    ("合同签了99999999年 试用期定了100000个月", None, None), ("签了0年合同", None, None),
])
def test_contract_term_and_probation_agreed(text, contract, probation):
    figures = read_figures(text)
    assert (figures.contract_months, figures.probation_months) == (contract, probation)


@pytest.mark.parametrize("contract_months, limit", [
    (2, 0), (3, 1), (11, 1), (12, 2), (35, 2), (36, 6), (calc.OPEN_ENDED, 6),
])
def test_probation_limit_follows_article_19(contract_months, limit):
    assert calc.probation_limit(contract_months) == limit


@pytest.mark.parametrize("text, total, here", [
    ("参加工作十二年 在这家公司干了三年", 12, 3), ("工龄8年，在本单位5年", 8, 5), ("在现在单位才两年半", None, 2.5),
    ("总共工作了20年", 20, None), ("干了5年 月薪8000", None, None),
])
def test_years_of_work_and_years_here(text, total, here):
    figures = read_figures(text)
    assert (figures.total_years, figures.employer_years) == (total, here)


@pytest.mark.parametrize("total, here, months", [
    (5, 2, 3), (9, 5, 6), (15, 3, 6), (15, 5, 9), (12, 10, 12), (25, 15, 18), (30, 20, 24),
])
def test_medical_period_follows_article_3(total, here, months):
    assert calc.medical_period(total, here) == months
