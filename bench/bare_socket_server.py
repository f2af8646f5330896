"""The yardstick for socket_bench.py: Flask-SocketIO under gevent doing only join, ack and broadcast.

No database, no auth, no validation: what the real server's live annotation path costs is
measured against this, on the same machine, in the same run.

    python bench/bare_socket_server.py PORT
BENCH_NO_GEVENT_WEBSOCKET=1 hides gevent-websocket, so engine.io falls back to simple-websocket.
"""

import os
import sys

if os.environ.get("BENCH_NO_GEVENT_WEBSOCKET") == "1":
    sys.modules["geventwebsocket"] = None  # makes `import geventwebsocket` fail

from gevent import monkey

monkey.patch_all()

import itertools  # noqa: E402

from flask import Flask  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent", cors_allowed_origins=[])
ids = itertools.count(1)


@socketio.on("document:join")
def on_join(payload):
    join_room(f"document:{payload['document_id']}")
    return {"ok": True, "seq": 0}


@socketio.on("annotation:create")
def on_create(payload):
    number = next(ids)
    annotation = {**payload, "id": number, "seq": number}
    socketio.emit("annotation:created", annotation, to=f"document:{payload['document_id']}")
    return {"ok": True, "id": number, "seq": number}


if __name__ == "__main__":
    websocket = "gevent-websocket" if sys.modules.get("geventwebsocket") else "simple-websocket"
    print(f"bare server on port {sys.argv[1]}, websockets by {websocket}", flush=True)
    socketio.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_output=False, allow_unsafe_werkzeug=True)
