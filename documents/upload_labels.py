"""What the uploader is told was taken out of their file, in their language."""

from flask_babel import lazy_gettext as _l

# storage.pdf.active names the elements.
REMOVED_LABELS = {
    "SubmitForm": _l("lệnh gửi biểu mẫu ra ngoài"),
    "ImportData": _l("lệnh nhập dữ liệu từ tệp khác"),
    "GoToR": _l("liên kết mở tệp khác"),
    "GoToE": _l("liên kết mở tệp đính kèm"),
    "EmbeddedFile": _l("tệp đính kèm"),
    "RichMedia": _l("nội dung đa phương tiện"),
    "XFA": _l("biểu mẫu XFA"),
    "OpenAction": _l("lệnh tự chạy khi mở tệp hoặc trang"),
    "UnsafeLink": _l("liên kết chạy mã hoặc mở tệp trên máy (javascript:, file:)"),
}
