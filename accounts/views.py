"""HTTP adapters for accounts: the JSON API, the login form and the admin's user pages."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    after_this_request,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from accounts import presenters, roster, service
from accounts.auth import admin_required, bearer_token, login_key_of_token
from accounts.devices import is_known_device, remember_device
from accounts.limits import lift_account_lock, login_limited
from accounts.schemas import AccountChanges, Credentials, NewUser, PasswordChange
from core.errors import AppError
from core.http import json_body
from core.offload import one_batch_at_a_time, queue
from core.validation import parse

bp = Blueprint("accounts", __name__)


def _begin(user, via: str) -> None:
    """A new login for this device: the session (and remember) cookie and the token name it."""
    service.start_login(user, request.user_agent.string, request.remote_addr or "", via)
    login_user(user, remember=via == "form")
    username = user.username
    after_this_request(lambda response: remember_device(response, username))


@bp.post("/api/login")
@one_batch_at_a_time(ahead=is_known_device)
@login_limited
def api_login():
    user = service.authenticate(parse(Credentials, json_body()), request.remote_addr or "")
    _begin(user, "api")
    token = service.issue_token(user, current_app.config["SECRET_KEY"])
    return jsonify({"token": token, "user": user.to_dict()})


@bp.get("/api/login/queue")
def api_login_queue():
    """While a hall logs in at once, the login page tells a waiting delegate about how long."""
    response = jsonify(queue.estimate())
    response.headers["Cache-Control"] = "no-store"
    return response


def _end_login() -> None:
    """End the login of the session cookie and that of the bearer token, whichever were sent."""
    keys = {login_key_of_token(bearer_token())}
    if current_user.is_authenticated:
        keys.add(current_user.login_key)
        service.end_logins(current_user._get_current_object(), {key for key in keys if key})
    logout_user()


@bp.post("/api/logout")
def api_logout():
    _end_login()
    return jsonify({"ok": True})


@bp.get("/api/me")
@login_required
def api_me():
    return jsonify(presenters.user_json(current_user))


@bp.post("/api/me/password")
@login_required
def api_change_password():
    """Every login of the user ends; the caller gets a fresh one (cookie and token)."""
    user = current_user._get_current_object()
    service.change_password(user, parse(PasswordChange, json_body()))
    _begin(user, "api")
    return jsonify({"ok": True, "token": service.issue_token(user, current_app.config["SECRET_KEY"])})


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password_page():
    error = None
    if request.method == "POST":
        user = current_user._get_current_object()
        try:
            service.change_password(user, parse(PasswordChange, request.form.to_dict()))
        except AppError as refusal:
            error = refusal.message()
        else:
            _begin(user, "form")
            return redirect(url_for("accounts.password_page", changed=1))
    changed = request.args.get("changed") == "1" and error is None
    status = 400 if error else 200
    return render_template("accounts/password.html", error=error, changed=changed), status


@bp.post("/api/users")
@admin_required
def api_create_user():
    user = service.create_user(parse(NewUser, json_body()), actor=current_user)
    return jsonify(presenters.created_user_json(user)), 201


@bp.get("/api/users")
@admin_required
def api_list_users():
    return jsonify([presenters.user_json(user) for user in service.list_users()])


@bp.patch("/api/users/<int:user_id>")
@admin_required
def api_change_user(user_id: int):
    user = service.change_account(current_user, user_id, parse(AccountChanges, json_body()))
    return jsonify(presenters.user_json(user))


@bp.post("/api/users/<int:user_id>/unlock")
@admin_required
def api_lift_login_lock(user_id: int):
    """After too many failed logins an account waits; an admin lets its owner in at once."""
    user = service.lift_login_lock(current_user, user_id, forget=lift_account_lock)
    return jsonify(user.to_dict())


@bp.post("/api/users/import")
@admin_required
def api_import_roster():
    upload = request.files.get("file")
    if upload is None:
        raise AppError("file_missing")
    with upload.stream:
        report = roster.import_roster(upload.read(), actor=current_user)
    return jsonify(presenters.roster_report_json(report)), 201 if report.created else 200


@bp.route("/login", methods=["GET", "POST"])
@one_batch_at_a_time(ahead=is_known_device)
@login_limited
def login_page():
    error = None
    if request.method == "POST":
        try:
            credentials = parse(Credentials, request.form.to_dict())
            _begin(service.authenticate(credentials, request.remote_addr or ""), "form")
        except AppError as refusal:
            error = refusal.message()
        else:
            return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", error=error), 401 if error else 200


# Browsers drop these anywhere in a URL, and read a backslash as a slash.
_URL_NOISE = dict.fromkeys(range(33)) | {0x7F: None, ord("\\"): "/"}


def safe_next(target: str | None) -> str:
    """Only follow a path on this site after login: the target is read the way a browser reads
    it (tabs, newlines and spaces dropped, backslashes as slashes), and anything naming a host
    or a scheme (`//evil`, `/\\evil`, `/%09/evil`, `https:evil`) sends the user home instead."""
    if target:
        cleaned = target.translate(_URL_NOISE)
        parts = urlsplit(cleaned)
        if cleaned.startswith("/") and not cleaned.startswith("//") and not parts.scheme and not parts.netloc:
            return cleaned
    return url_for("meetings.index")


@bp.post("/logout")
def logout_page():
    _end_login()
    return redirect(url_for("accounts.login_page"))


@bp.get("/admin/users")
@admin_required
def users_page():
    return render_template("accounts/users.html", users=service.list_users())
