"""The yardstick for floor_bench.py: Flask-SocketIO under gevent doing only what the floor's fan-out
needs — join a meeting's room, and an HTTP call that emits a delta of the same size to it.

No database, no auth, no audit: what the real chair's action costs is measured against this, on
the same machine, in the same run.

    python bench/bare_floor_server.py PORT
"""

from gevent import monkey

monkey.patch_all()

import itertools  # noqa: E402
import sys  # noqa: E402

from flask import Flask, jsonify, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent", cors_allowed_origins=[])
seqs = itertools.count(1)


@socketio.on("meeting:join")
def on_join(payload):
    join_room(f"meeting:{payload['meeting_id']}")
    return {"ok": True}


@app.post("/api/meetings/<int:meeting_id>/act")
def act(meeting_id: int):
    delta = {"meeting_id": meeting_id, "seq": next(seqs), **(request.get_json(silent=True) or {})}
    socketio.emit("floor:changed", delta, to=f"meeting:{meeting_id}")
    return jsonify({"ok": True})


@app.get("/api/me")
def me():
    return jsonify({})


if __name__ == "__main__":
    print(f"bare floor server on port {sys.argv[1]}", flush=True)
    socketio.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_output=False, allow_unsafe_werkzeug=True)
