"""Member lists read in the order a Vietnamese reader expects: by given name, Vietnamese alphabet."""

from core.collation import by_given_name


def test_people_are_listed_by_given_name_in_vietnamese_alphabetical_order():
    people = [
        {"full_name": "Lê Văn Đức"},
        {"full_name": "Hoàng Thị Yến"},
        {"full_name": "Trần Thị Ánh"},
        {"full_name": "Phạm Văn Dũng"},
        {"full_name": "Bùi Thị Ăn"},
        {"full_name": "Nguyễn Văn An"},
        {"full_name": "Lò Văn Ơn"},
        {"full_name": "Lý Thị Ông"},
        {"full_name": None, "username": "khach1"},
    ]
    assert [p["full_name"] or p["username"] for p in by_given_name(people)] == [
        "Nguyễn Văn An",
        "Trần Thị Ánh",
        "Bùi Thị Ăn",
        "Phạm Văn Dũng",
        "Lê Văn Đức",
        "khach1",
        "Lý Thị Ông",
        "Lò Văn Ơn",
        "Hoàng Thị Yến",
    ]


def test_the_same_given_name_is_ordered_by_family_name():
    people = [{"full_name": "Trần Văn An"}, {"full_name": "Đỗ Thị An"}, {"full_name": "Bế Văn An"}]
    assert [p["full_name"] for p in by_given_name(people)] == ["Bế Văn An", "Đỗ Thị An", "Trần Văn An"]
