"""gunicorn settings for one app process: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

One worker per process, always: Flask-SocketIO keeps each live connection's state in the process
that accepted it, and gunicorn's load balancing across workers would split one client's
requests. Scale by running more processes (systemd's phonghop@PORT units) behind nginx with
sticky sessions, all on one Redis (docs/deploy.md).
"""

import os

bind = os.environ.get("BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = 1
worker_class = "core.serving.GunicornWorker"
# Live connections per process: each delegate's tablet holds one.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "2000"))
# A worker that stops telling its master it is alive for this long is restarted.
timeout = 60
# After SIGTERM: stop accepting, close live sockets (clients reconnect elsewhere), let requests
# in flight finish for this long (core/serving.py).
graceful_timeout = int(float(os.environ.get("SHUTDOWN_GRACE_S", "25")))
keepalive = 5
# The app logs its own access lines with request ids (LOG_FORMAT=json); gunicorn's would repeat them.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Never preload: gevent must patch the worker before the app (and its Redis client) is imported.
preload_app = False
proc_name = f"phonghop:{bind}"
# gunicorn's runtime control socket is one path per user: several processes would fight over it,
# and systemd already manages them.
control_socket_disable = True
