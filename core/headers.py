"""Headers every response carries: no MIME sniffing; HTML pages also get a CSP without inline
script, no framing and a same-origin Referrer-Policy."""

import re

from flask import request

# Inline `style=""` attributes carry page geometry (--pw, aspect-ratio), so styles allow them;
# scripts come only from our own files. `<script type="application/json">` data blocks are not
# executed and need no allowance.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' {sockets}; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def add_security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        # Older browsers read 'self' in connect-src as http(s) only: name this host's sockets.
        host = re.sub(r"[^A-Za-z0-9.:\[\]-]", "", request.host)
        sockets = f"ws://{host} wss://{host}"
        response.headers.setdefault("Content-Security-Policy", _CSP.format(sockets=sockets))
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response
