"""HTTP adapters for accounts: the JSON API, the login form and the admin's user pages."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from accounts import roster, service
from accounts.auth import admin_required
from accounts.schemas import Credentials, NewUser
from core.errors import AppError
from core.http import json_body
from core.validation import parse

bp = Blueprint("accounts", __name__)


@bp.post("/api/login")
def api_login():
    user = service.authenticate(parse(Credentials, json_body()))
    login_user(user)
    token = service.issue_token(user, current_app.config["SECRET_KEY"])
    return jsonify({"token": token, "user": user.to_dict()})


@bp.post("/api/logout")
def api_logout():
    logout_user()
    return jsonify({"ok": True})


@bp.get("/api/me")
@login_required
def api_me():
    return jsonify(current_user.to_dict())


@bp.post("/api/users")
@admin_required
def api_create_user():
    user = service.create_user(parse(NewUser, json_body()))
    return jsonify({"id": user.id, "username": user.username}), 201


@bp.get("/api/users")
@admin_required
def api_list_users():
    return jsonify([user.to_dict() for user in service.list_users()])


@bp.post("/api/users/import")
@admin_required
def api_import_roster():
    upload = request.files.get("file")
    if upload is None:
        raise AppError("file_missing")
    with upload.stream:
        report = roster.import_roster(upload.read())
    return jsonify(report.to_dict()), 201 if report.created else 200


@bp.route("/login", methods=["GET", "POST"])
def login_page():
    error = None
    if request.method == "POST":
        try:
            credentials = parse(Credentials, request.form.to_dict())
            login_user(service.authenticate(credentials), remember=True)
        except AppError as refusal:
            error = refusal.message()
        else:
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", error=error), 401 if error else 200


def _safe_next(target: str | None) -> str:
    """Only follow local paths after login, never another host."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("meetings.index")


@bp.post("/logout")
def logout_page():
    logout_user()
    return redirect(url_for("accounts.login_page"))


@bp.get("/admin/users")
@admin_required
def users_page():
    return render_template("accounts/users.html", users=service.list_users())
