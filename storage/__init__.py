"""Where uploaded files live and how PDFs are read: no Flask in here."""
