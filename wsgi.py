"""Entry point: `app` for WSGI servers and the CLI; `python wsgi.py` serves HTTP and Socket.IO."""

import os
import sys

# gevent serves thousands of sockets on one process; it must patch the stdlib before anything else.
if __name__ == "__main__" and os.environ.get("SOCKETIO_ASYNC_MODE", "gevent") == "gevent":
    from gevent import monkey

    monkey.patch_all()
    os.environ.setdefault("SOCKETIO_ASYNC_MODE", "gevent")
elif "gevent.monkey" in sys.modules:  # gunicorn's gevent worker patched before loading us
    from gevent import monkey

    if monkey.is_module_patched("socket"):
        os.environ.setdefault("SOCKETIO_ASYNC_MODE", "gevent")

from composition.app import create_app
from core.extensions import socketio

app = create_app()

if __name__ == "__main__":
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    print(f"Phòng họp không giấy: http://{host}:{port}/", flush=True)
    if app.config["SOCKETIO_ASYNC_MODE"] == "gevent":
        from core.serving import serve_until_signalled

        serve_until_signalled(app, host, port)
    else:  # SOCKETIO_ASYNC_MODE=threading: Werkzeug's development server, for debugging
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True)
