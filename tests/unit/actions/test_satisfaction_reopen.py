"""Which 回访 answers mean the problem is still there (and reopen the case)."""
from __future__ import annotations

import pytest

from actions.satisfaction import not_solved


@pytest.mark.parametrize("score,comment", [(1, None), (2, "还行吧"), (4, "钱还没到手呢"), (3, "没人联系我"),
                                           (5, "根本没解决"), (3, "工资还是没给")])
def test_not_solved(score, comment):
    assert not_solved(score, comment)


@pytest.mark.parametrize("score,comment", [(5, "处理得很快，谢谢"), (4, None), (3, "一般"), (4, "钱已经拿到了"),
                                           (5, "问题解决了")])
def test_solved(score, comment):
    assert not not_solved(score, comment)
