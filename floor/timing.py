"""How long each turn on the floor may run: defaults that each cite where they come from.

A council sets its own times in its rules of procedure (Nội quy kỳ họp): a council's own row in
`council_rules` (sittings.rules) wins over these defaults.
The citations name the text each default follows; the article numbers are marked for the legal
check the council office does before a council adopts them.
"""

from dataclasses import dataclass

from floor.models import Phase, SpeakerKind
from sittings import rules

# The hall screen turns the countdown to its warning colour this many seconds before the end.
WARNING_S = 30


@dataclass(frozen=True)
class Default:
    key: str
    seconds: int
    article: str


DEFAULTS = {
    "floor.speech_s": Default(
        "floor.speech_s",
        7 * 60,
        "Nội quy kỳ họp Quốc hội (Nghị quyết 71/2022/QH15), phát biểu tại hội trường: không quá 07 phút"
        " — mức nhiều HĐND áp dụng trong Nội quy kỳ họp của mình (cần đối chiếu điều khoản)",
    ),
    "floor.point_of_order_s": Default(
        "floor.point_of_order_s",
        2 * 60,
        "Nội quy kỳ họp HĐND: kiến nghị về thủ tục được phát biểu ngay, ngắn gọn (mặc định 02 phút)",
    ),
    "floor.question_s": Default(
        "floor.question_s",
        60,
        "Nghị quyết 594/NQ-UBTVQH15 (hoạt động giám sát của HĐND), chất vấn tại kỳ họp: nêu câu hỏi"
        " ngắn gọn (mặc định 01 phút, cần đối chiếu điều khoản)",
    ),
    "floor.answer_s": Default(
        "floor.answer_s",
        3 * 60,
        "Nghị quyết 594/NQ-UBTVQH15, trả lời chất vấn: trả lời trực tiếp, đầy đủ (mặc định 03 phút,"
        " cần đối chiếu điều khoản)",
    ),
    "floor.follow_up_s": Default(
        "floor.follow_up_s",
        60,
        "Nghị quyết 594/NQ-UBTVQH15: đại biểu được hỏi lại một lần (mặc định 01 phút)",
    ),
}

_KEY_FOR_PHASE = {
    Phase.SPEECH: "floor.speech_s",
    Phase.QUESTION: "floor.question_s",
    Phase.ANSWER: "floor.answer_s",
    Phase.FOLLOW_UP: "floor.follow_up_s",
}


def allowed_seconds(council_id: int | None, kind: str, phase: str) -> int:
    """The seconds a turn may run: the council's own rule, else the default."""
    key = "floor.point_of_order_s" if kind == SpeakerKind.POINT_OF_ORDER else _KEY_FOR_PHASE[Phase(phase)]
    default = DEFAULTS[key]
    chosen = rules.rule(council_id, key, rules.Rule(key, str(default.seconds), default.article))
    try:
        return max(1, int(chosen.value))
    except ValueError:  # a council's row that is not a number of seconds: the default stands
        return default.seconds
