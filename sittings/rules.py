"""The rules a sitting is counted by: data per council, each with the article it comes from.

A council may set its own value (a `CouncilRule` row); otherwise the coded default applies.
The articles are those of the Luật Tổ chức chính quyền địa phương (2015, and 2025 where it keeps
the form); a council that follows its own working rules (quy chế) records its value and article.
"""

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select

from core.extensions import db
from sittings.models import CouncilRule

LAW_2015 = "Luật Tổ chức chính quyền địa phương 2015"
LAW_2025 = "Luật Tổ chức chính quyền địa phương 2025"


@dataclass(frozen=True)
class Rule:
    key: str
    value: str
    article: str


DEFAULTS = {
    # A sitting may proceed with at least two thirds of the council's total delegates present.
    "quorum": Rule("quorum", "2/3", f"{LAW_2015}, Điều 78 khoản 5"),
    # A resolution passes with more than half of the council's TOTAL delegates voting for it.
    "majority_of_total": Rule("majority_of_total", "1/2", f"{LAW_2015}, Điều 91; {LAW_2025}, Điều 35"),
    # A few matters (bãi nhiệm a delegate) need at least two thirds of the total.
    "two_thirds_of_total": Rule("two_thirds_of_total", "2/3", f"{LAW_2015}, Điều 91; {LAW_2025}, Điều 35"),
    # Whether a delegate may change a ballot before the poll closes (a council's quy chế decides).
    "ballot_change_allowed": Rule("ballot_change_allowed", "no", "Quy chế làm việc của Hội đồng nhân dân"),
}


def rule(council_id: int | None, key: str, default: Rule | None = None) -> Rule:
    """The council's own setting when it has one, else the default with its article. A package
    above (the floor's speaking times) passes its own default for keys of its own."""
    if council_id is not None:
        row = db.session.scalar(
            select(CouncilRule).where(CouncilRule.council_id == council_id, CouncilRule.key == key)
        )
        if row is not None:
            return Rule(key, row.value, row.article)
    return default if default is not None else DEFAULTS[key]


def fraction(council_id: int | None, key: str) -> Fraction:
    return Fraction(rule(council_id, key).value)


def is_quorate(council_id: int | None, present: int, total: int) -> bool:
    """At least the quorum's share of the total (two thirds by default)."""
    return total > 0 and present >= fraction(council_id, "quorum") * total


def passes(council_id: int | None, rule_key: str, votes_for: int, total: int) -> bool:
    """More than half of the total; at least two thirds for the matters that need it."""
    share = fraction(council_id, rule_key)
    if total <= 0:
        return False
    if rule_key == "majority_of_total":
        return votes_for > share * total
    return votes_for >= share * total


def allows_ballot_change(council_id: int | None) -> bool:
    return rule(council_id, "ballot_change_allowed").value == "yes"


def result_text(votes_for: int, total: int, passed: bool) -> str:
    """The minutes' wording: "Tán thành 13/25 đại biểu (52,00% tổng số đại biểu) — THÔNG QUA"."""
    percent = f"{(100 * votes_for / total) if total else 0:.2f}".replace(".", ",")
    verdict = "THÔNG QUA" if passed else "KHÔNG THÔNG QUA"
    return f"Tán thành {votes_for}/{total} đại biểu ({percent}% tổng số đại biểu) — {verdict}"
