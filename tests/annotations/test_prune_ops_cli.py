"""`flask annotations prune-ops`: the table of acks stops growing, and recent resends still work."""

from datetime import timedelta

from sqlalchemy import func, select, update

from annotations import service
from annotations.models import Annotation, ProcessedOperation
from annotations.schemas import NewAnnotation
from core.clock import utcnow
from core.extensions import db
from core.validation import parse
from tests.annotations.payloads import comment


def _acked_ops() -> set[str]:
    return set(db.session.scalars(select(ProcessedOperation.op_id)))


def _age(op_id: str, days: int) -> None:
    db.session.execute(
        update(ProcessedOperation)
        .where(ProcessedOperation.op_id == op_id)
        .values(created_at=utcnow() - timedelta(days=days))
    )
    db.session.commit()


def test_acks_older_than_the_limit_are_deleted_and_a_recent_resend_still_gets_its_ack(
    app, people, document, first_paragraph
):
    delegate = people["daibieu1"]
    old, recent = comment(document, first_paragraph, "Cũ"), comment(document, first_paragraph, "Mới")
    service.create_annotation(delegate, parse(NewAnnotation, old))
    first_ack = service.create_annotation(delegate, parse(NewAnnotation, recent))
    _age(old["op_id"], 31)

    result = app.test_cli_runner().invoke(args=["annotations", "prune-ops", "--older-than-days", "30"])

    assert result.exit_code == 0, result.output
    assert "Đã xóa 1 xác nhận" in result.output
    assert _acked_ops() == {recent["op_id"]}
    assert service.create_annotation(delegate, parse(NewAnnotation, recent)) == first_ack
    assert db.session.scalar(select(func.count(Annotation.id))) == 2


def test_without_a_limit_acks_are_kept_thirty_days(app, people, document, first_paragraph):
    delegate = people["daibieu1"]
    payloads = [comment(document, first_paragraph, f"Ý kiến {n}") for n in range(3)]
    for payload in payloads:
        service.create_annotation(delegate, parse(NewAnnotation, payload))
    _age(payloads[0]["op_id"], 29)
    _age(payloads[1]["op_id"], 31)

    result = app.test_cli_runner().invoke(args=["annotations", "prune-ops"])

    assert result.exit_code == 0, result.output
    assert _acked_ops() == {payloads[0]["op_id"], payloads[2]["op_id"]}


def test_a_limit_under_one_day_is_refused_and_nothing_is_deleted(app, people, document, first_paragraph):
    payload = comment(document, first_paragraph)
    service.create_annotation(people["daibieu1"], parse(NewAnnotation, payload))

    result = app.test_cli_runner().invoke(args=["annotations", "prune-ops", "--older-than-days", "0"])

    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert _acked_ops() == {payload["op_id"]}
