"""PyMuPDF work as pure functions over bytes: validate, extract words and paragraphs, render."""
