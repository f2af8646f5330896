"""Paragraphs of two versions are paired the way a reader of both would pair them."""

from storage.reanchor import Para, match_paragraphs, word_diff

LONG = [
    "1. Đầu tư thiết bị và đường truyền cho hội trường xã, bảo đảm mỗi đại biểu có máy tính bảng.",
    "2. Tổ công nghệ số cộng đồng hướng dẫn đại biểu cao tuổi sử dụng ứng dụng trên điện thoại.",
    "3. Bảo đảm an toàn thông tin; tài liệu mật không đưa lên hệ thống phòng họp không giấy.",
    "4. Giao Ủy ban nhân dân xã tổ chức thực hiện Nghị quyết này và báo cáo kết quả hằng năm.",
    "5. Nghị quyết này có hiệu lực từ ngày được Hội đồng nhân dân xã thông qua tại kỳ họp.",
]


def _paras(texts, first_key=0):
    return [
        Para(first_key + i, text, 1, (70, 100 + 20 * i, 500, 115 + 20 * i)) for i, text in enumerate(texts)
    ]


def _statuses(old_texts, new_texts):
    matching = match_paragraphs(_paras(old_texts, 100), _paras(new_texts))
    return {key - 100: (n, status) for key, (n, status, _) in matching.old.items()}, matching


def test_renumbered_and_moved_paragraphs_are_unchanged():
    new = [LONG[0], "2. " + LONG[2][3:], "3. " + LONG[3][3:], "4. " + LONG[4][3:], "5. " + LONG[1][3:]]
    found, _ = _statuses(LONG, new)
    assert found == {
        0: (0, "unchanged"),
        1: (4, "unchanged"),
        2: (1, "unchanged"),
        3: (2, "unchanged"),
        4: (3, "unchanged"),
    }


def test_a_removed_paragraph_is_orphaned_and_an_added_one_is_new():
    new = [
        LONG[0],
        LONG[1],
        LONG[3],
        LONG[4],
        "6. Giao Thường trực Hội đồng nhân dân xã giám sát việc thực hiện.",
    ]
    found, matching = _statuses(LONG, new)
    assert found[2] == (None, "orphaned")
    assert matching.new_change[4] == "added"


def test_split_and_merged_paragraphs_are_edited_and_keep_both_sources():
    words = LONG[0].split()
    split = [" ".join(words[:9]), " ".join(words[9:])]
    merged = LONG[2] + " " + LONG[3]
    found, matching = _statuses(LONG, [*split, LONG[1], merged, LONG[4]])
    assert found[0][1] == "edited"
    assert sorted(matching.splits[100]) == [0, 1]
    assert found[2] == (3, "edited")
    assert found[3] == (3, "edited")
    assert sorted(matching.new_sources[3]) == [102, 103]


def test_of_two_identical_paragraphs_the_one_in_place_is_matched_in_place():
    repeated = "Chuyển đổi số bắt đầu từ người dân, lấy người dân làm trung tâm của mọi hoạt động."
    old = [LONG[0], repeated, LONG[1], LONG[2], repeated, LONG[3]]
    new = [LONG[0], LONG[1], LONG[2], repeated, LONG[3]]  # the first copy removed
    found, _ = _statuses(old, new)
    assert found[1] == (None, "orphaned")
    assert found[4] == (3, "unchanged")


def test_the_word_diff_keeps_common_words_and_marks_the_rest():
    assert word_diff("Đến năm 2025 đạt 80%", "Đến năm 2026 đạt 90% số xã") == [
        ["=", "Đến năm"],
        ["-", "2025"],
        ["+", "2026"],
        ["=", "đạt"],
        ["-", "80%"],
        ["+", "90% số xã"],
    ]


def test_a_huge_edited_paragraph_is_shown_as_replaced_rather_than_matched_word_by_word():
    old = " ".join(f"ô{i}" for i in range(1000))
    new = " ".join(f"ô{i}" for i in range(1, 1001))
    assert word_diff(old, new) == [["-", old], ["+", new]]
