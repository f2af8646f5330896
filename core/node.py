"""Which process answered, in a cookie nginx can route by (deploy/nginx/phonghop.conf).

Socket.IO over WebSocket is one TCP connection and needs no stickiness; its long-polling fallback
(a carrier proxy that breaks WebSockets) is a series of requests that must all reach the process
that holds the session. `ip_hash` would send a whole hall behind one NAT address to one process,
so each process names itself (`NODE_ID`, the systemd instance) in a cookie on every page, and
nginx sends the requests that carry it back to that process.
"""

from flask import Flask, current_app, request

NODE_COOKIE = "phonghop_node"


def register_node_cookie(app: Flask) -> None:
    app.after_request(_remember_node)


def _remember_node(response):
    node = current_app.config.get("NODE_ID")
    if node and request.cookies.get(NODE_COOKIE) != node:
        response.set_cookie(
            NODE_COOKIE,
            node,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response
