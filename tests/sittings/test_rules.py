"""The rule table: a resolution passes by the council's TOTAL delegates, in the official wording."""

import pytest

from sittings import rules


@pytest.mark.parametrize(
    ("rule", "votes_for", "total", "passed"),
    [
        ("majority_of_total", 13, 25, True),
        ("majority_of_total", 12, 25, False),
        ("two_thirds_of_total", 16, 25, False),
        ("two_thirds_of_total", 17, 25, True),
        # A vacancy: 24 serving delegates; half of them is not more than half.
        ("majority_of_total", 12, 24, False),
        ("majority_of_total", 13, 24, True),
        ("two_thirds_of_total", 16, 24, True),
    ],
)
def test_a_resolution_passes_by_the_councils_total_delegates(app, rule, votes_for, total, passed):
    assert rules.passes(None, rule, votes_for, total) is passed


def test_the_result_is_printed_in_the_official_wording(app):
    assert rules.result_text(13, 25, True) == "Tán thành 13/25 đại biểu (52,00% tổng số đại biểu) — THÔNG QUA"
    assert rules.result_text(12, 25, False) == (
        "Tán thành 12/25 đại biểu (48,00% tổng số đại biểu) — KHÔNG THÔNG QUA"
    )
    assert rules.result_text(16, 24, True).startswith("Tán thành 16/24 đại biểu (66,67%")


@pytest.mark.parametrize(("present", "quorate"), [(16, False), (17, True), (25, True)])
def test_a_sitting_proceeds_with_two_thirds_of_the_total_present(app, present, quorate):
    assert rules.is_quorate(None, present, 25) is quorate


def test_every_default_rule_cites_its_article(app):
    for key, default in rules.DEFAULTS.items():
        assert rules.rule(None, key) == default
        assert default.article


def test_a_council_sets_its_own_rule_with_its_article(app):
    from core.extensions import db
    from councils.models import Council
    from sittings.models import CouncilRule

    council = Council(name="Hội đồng nhân dân xã Thần Sa", place="Thần Sa")
    db.session.add(council)
    db.session.flush()
    db.session.add(
        CouncilRule(
            council_id=council.id, key="ballot_change_allowed", value="yes", article="Quy chế 2026, Điều 12"
        )
    )
    db.session.flush()
    assert rules.allows_ballot_change(council.id)
    assert rules.rule(council.id, "ballot_change_allowed").article == "Quy chế 2026, Điều 12"
    assert not rules.allows_ballot_change(None)
