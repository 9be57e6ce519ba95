"""The four estimates of faq.md ("Calculators"), as plain arithmetic with its working.

Every result carries `working`, the one line a worker can check ("8000元 × 5个月"); the
wording around it lives in bot/faq/answers.yml. Pure functions, no Rasa imports.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

WORKING_DAYS_PER_MONTH = 21.75  # 劳社部发〔2008〕3号: monthly wage ÷ 21.75 = daily wage
HOURS_PER_DAY = 8
MAX_CAPPED_YEARS = 12           # 劳动合同法 第47条: a capped wage counts at most 12 years
CAP_MULTIPLE = 3                # ... capped at three times the city's average monthly wage


def yuan(value: float) -> str:
    """8000 → "8000元", 34.482 → "34.48元", 41379.3 → "41379元"."""
    if value >= 1000 or float(value).is_integer():
        return f"{round(value):d}元"
    return f"{value:.2f}元"


def months_text(n: float) -> str:
    return f"{n:g}个月"


@dataclass(frozen=True)
class Severance:
    n_months: float      # N: months of wage
    wage_used: float     # the monthly wage counted (capped or not)
    capped: bool
    unlawful: bool
    amount: float
    working: str


def severance_months(service_months: float) -> float:
    """N: one month per full year; a remainder of 6 months or more counts as a year, less
    than 6 months (but more than none) as half a month (劳动合同法 第47条)."""
    years, rest = divmod(max(0.0, service_months), 12)
    return years + (1.0 if rest >= 6 else 0.5 if rest > 0 else 0.0)


def severance(service_months: float, monthly_wage: float, unlawful: bool, average_wage: float) -> Severance:
    cap = CAP_MULTIPLE * average_wage
    n = severance_months(service_months)
    capped = monthly_wage > cap
    wage = cap if capped else monthly_wage
    if capped:
        n = min(n, MAX_CAPPED_YEARS)
    amount = n * wage * (2 if unlawful else 1)
    working = f"{'2×' if unlawful else ''}{yuan(wage)}{'（封顶）' if capped else ''}×{months_text(n)}"
    if capped and years_over_cap(service_months):
        working += f"，年限最多算{MAX_CAPPED_YEARS}年"
    return Severance(n, wage, capped, unlawful, amount, working)


def years_over_cap(service_months: float) -> bool:
    return severance_months(service_months) > MAX_CAPPED_YEARS


@dataclass(frozen=True)
class Overtime:
    hourly: float
    amount: float
    working: str


def overtime_pay(monthly_wage: float, workday_hours: float = 0, restday_hours: float = 0,
                 holiday_hours: float = 0) -> Overtime:
    """劳动法 第44条: 150 % on working days, 200 % on rest days, 300 % on statutory holidays."""
    hourly = monthly_wage / WORKING_DAYS_PER_MONTH / HOURS_PER_DAY
    parts, amount = [], 0.0
    for hours, rate in ((workday_hours, 1.5), (restday_hours, 2.0), (holiday_hours, 3.0)):
        if hours:
            amount += hourly * hours * rate
            parts.append(f"{hours:g}小时×{rate:.0%}")
    working = f"{yuan(monthly_wage)}÷21.75÷8={hourly:.2f}元/小时，×" + "＋".join(parts)
    return Overtime(hourly, amount, working)


def annual_leave_days(years_of_work: float) -> int:
    """职工带薪年休假条例 第3条: by total years of work (any employer); 0 under one year."""
    if years_of_work < 1:
        return 0
    if years_of_work < 10:
        return 5
    if years_of_work < 20:
        return 10
    return 15


@dataclass(frozen=True)
class UntakenLeave:
    daily: float
    extra: float
    working: str


def untaken_leave_pay(monthly_wage: float, days: float) -> UntakenLeave:
    """条例 第5条: 300 % of the daily wage per untaken day, the normal 100 % included, so the
    employer owes 200 % on top of the wage already paid."""
    daily = monthly_wage / WORKING_DAYS_PER_MONTH
    extra = daily * 2 * days
    return UntakenLeave(daily, extra, f"{yuan(monthly_wage)}÷21.75={daily:.2f}元/天×200%×{days:g}天")


OPEN_ENDED = 10_000  # months: an open-ended contract, longer than any fixed term


def probation_limit(contract_months: float) -> float:
    """劳动合同法 第19条: the longest probation, in months, for a contract of this length; 0 for
    a contract under 3 months (no probation allowed)."""
    if contract_months < 3:
        return 0
    if contract_months < 12:
        return 1
    if contract_months < 36:
        return 2
    return 6


def medical_period(total_years: float, employer_years: float) -> int:
    """企业职工患病或非因工负伤医疗期规定 第3条: months of 医疗期 by years of work in all and
    years with this employer."""
    if total_years < 10:
        return 3 if employer_years < 5 else 6
    for below, months in ((5, 6), (10, 9), (15, 12), (20, 18)):
        if employer_years < below:
            return months
    return 24


def rounded(amount: float) -> str:
    """An estimate reads as an estimate: "约4.0万元" above 10,000, else whole yuan."""
    if amount >= 10_000:
        return f"约{math.floor(amount / 100) / 100:g}万元"
    return f"约{round(amount)}元"


def optional_years(service_months: Optional[float]) -> Optional[float]:
    return None if service_months is None else service_months / 12
