"""The check-in QR code the hall screen shows: a link to the vote page with the code in it."""

import segno


def data_uri(url: str) -> str:
    """An SVG image as a data: URI (the pages' CSP allows data: images; nothing from another host)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)
