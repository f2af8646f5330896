"""The demo meeting's documents, typeset here so a fresh clone shows a real meeting at once."""

from storage.pdf.typeset import html_to_pdf

HEADER = """
<p class="center bold small">HỘI ĐỒNG NHÂN DÂN HUYỆN VÕ NHAI</p>
<p class="center bold small">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>
<p class="center bold small">Độc lập - Tự do - Hạnh phúc</p>
<p class="center italic small">Võ Nhai, ngày 20 tháng 11 năm 2026</p>
"""

PROGRAMME = [
    ("8:00", "Khai mạc kỳ họp; báo cáo tình hình kinh tế - xã hội năm 2026"),
    ("9:00", "Tờ trình về Đề án chuyển đổi số huyện giai đoạn 2026 - 2030"),
    ("10:00", "Dự thảo Nghị quyết về phòng họp không giấy tại các xã, thị trấn"),
    ("11:00", "Thảo luận tại tổ; chất vấn và trả lời chất vấn"),
    ("14:00", "Biểu quyết thông qua các nghị quyết; bế mạc kỳ họp"),
]

PROPOSAL_SECTIONS = [
    (
        "I. SỰ CẦN THIẾT",
        [
            "Chuyển đổi số đã trở thành nhiệm vụ trọng tâm của cả hệ thống chính trị. "
            "Trên địa bàn huyện, "
            "100% xã, thị trấn đã có internet cáp quang; tỷ lệ xóm có sóng 4G đạt trên 83%; tỷ lệ dân số "
            "trưởng thành có điện thoại thông minh đạt 85%.",
            "Việc in ấn tài liệu cho mỗi kỳ họp tiêu tốn nhiều giấy, thời gian và kinh phí; tài liệu sửa đổi "
            "phải in lại, gửi lại cho từng đại biểu, nhiều khi đến muộn so với ngày khai mạc.",
            "Đại biểu ở các xã vùng cao thường phải đi xa để nhận tài liệu; phòng họp không giấy "
            "giúp đại biểu "
            "nghiên cứu tài liệu sớm, ghi chú và góp ý trực tiếp vào từng đoạn văn bản.",
        ],
    ),
    (
        "II. NỘI DUNG ĐỀ ÁN",
        [
            "Trang bị máy tính bảng cho đại biểu Hội đồng nhân dân huyện và các xã, thị trấn; bảo đảm đường "
            "truyền ổn định tại hội trường và các điểm cầu trực tuyến.",
            "Triển khai nền tảng phòng họp không giấy dùng chung: thư ký kỳ họp đăng tài liệu "
            "theo chương "
            "trình; đại biểu đọc, đánh dấu, ghi chú và gửi ý kiến vào từng văn bản.",
            "Tổ chức tập huấn cho đại biểu, thư ký và cán bộ phụ trách công nghệ thông tin của các xã trước "
            "kỳ họp giữa năm 2027.",
            "Kinh phí thực hiện từ ngân sách huyện và nguồn hỗ trợ của tỉnh, lồng ghép "
            "với Chương trình chuyển "
            "đổi số giai đoạn 2026 - 2030.",
        ],
    ),
    (
        "III. KIẾN NGHỊ",
        [
            "Đề nghị Hội đồng nhân dân huyện xem xét, thông qua Đề án để Ủy ban nhân dân huyện tổ chức triển "
            "khai từ quý I năm 2027.",
        ],
    ),
]

RESOLUTION_ARTICLES = [
    (
        "Điều 1. Phạm vi áp dụng",
        "Nghị quyết này quy định việc tổ chức kỳ họp Hội đồng nhân dân huyện và "
        "các xã, thị trấn bằng phòng họp không giấy.",
    ),
    (
        "Điều 2. Tài liệu kỳ họp",
        "Tài liệu kỳ họp được đăng trên nền tảng chậm nhất 05 ngày trước ngày "
        "khai mạc; tài liệu sửa đổi được đăng thay thế và thông báo cho đại biểu.",
    ),
    (
        "Điều 3. Ý kiến của đại biểu",
        "Đại biểu có thể gửi ý kiến vào từng đoạn của văn bản; ý kiến được "
        "tổng hợp gửi chủ tọa kỳ họp và thư ký để hoàn thiện dự thảo.",
    ),
    (
        "Điều 4. Tổ chức thực hiện",
        "Giao Ủy ban nhân dân huyện tổ chức thực hiện; Thường trực Hội đồng "
        "nhân dân huyện giám sát việc thực hiện Nghị quyết này.",
    ),
]


def _programme() -> bytes:
    rows = "".join(
        f"<tr><td>{n}</td><td>{time}</td><td>{title}</td></tr>"
        for n, (time, title) in enumerate(PROGRAMME, start=1)
    )
    return html_to_pdf(
        HEADER + "<h1>CHƯƠNG TRÌNH KỲ HỌP THỨ MƯỜI HAI</h1>"
        "<p class='center bold'>Hội đồng nhân dân huyện khóa XXI, nhiệm kỳ 2021 - 2026</p>"
        f"<table><tr><th>TT</th><th>Thời gian</th><th>Nội dung</th></tr>{rows}</table>"
    )


def _proposal() -> bytes:
    body, number = [], 0
    for heading, paragraphs in PROPOSAL_SECTIONS:
        body.append(f"<h2>{heading}</h2>")
        for text in paragraphs:
            number += 1
            body.append(f"<p>{number}. {text}</p>")
    return html_to_pdf(
        HEADER + "<h1>TỜ TRÌNH</h1><p class='center bold'>Về Đề án chuyển đổi số huyện Võ Nhai "
        "giai đoạn 2026 - 2030</p>" + "".join(body)
    )


def _resolution() -> bytes:
    articles = "".join(f"<h2>{title}</h2><p>{text}</p>" for title, text in RESOLUTION_ARTICLES)
    return html_to_pdf(
        HEADER + "<h1>NGHỊ QUYẾT (DỰ THẢO)</h1><p class='center bold'>Về xây dựng phòng họp không giấy "
        "tại các xã, thị trấn</p>" + articles
    )


def demo_pack() -> list[tuple[str, str, str, bytes]]:
    """(agenda item title, document title, file name, PDF bytes) in agenda order."""
    return [
        (
            "Khai mạc; chương trình kỳ họp",
            "Chương trình kỳ họp thứ Mười hai",
            "chuong-trinh-ky-hop.pdf",
            _programme(),
        ),
        (
            "Đề án chuyển đổi số huyện giai đoạn 2026 - 2030",
            "Tờ trình về Đề án chuyển đổi số",
            "to-trinh-chuyen-doi-so.pdf",
            _proposal(),
        ),
        (
            "Nghị quyết về phòng họp không giấy",
            "Dự thảo Nghị quyết về phòng họp không giấy",
            "du-thao-nghi-quyet.pdf",
            _resolution(),
        ),
    ]
