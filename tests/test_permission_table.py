"""Who may do what, for every route and every live event, read off one table.

The routes come from the Flask URL map and the events from the Socket.IO handlers, so a new
route or event without a line in ROUTES or EVENTS fails here. Each is tried by every role
(anonymous, outsider, guest, delegate, chair, secretary, an officer of the meeting's council,
admin) on a draft and a published meeting of a council;
annotation events also on a shared comment, the caller's own private one and someone else's
private one. Every answer that succeeds is also searched for the text of private annotations
the caller does not own: none may ever appear.
"""

import io
import itertools
import uuid
from dataclasses import dataclass, field

import pytest
from flask import current_app

from core.extensions import db, socketio
from core.transactions import unit_of_work
from tests.conftest import MEETING_PACK, PASSWORD

ROLES = ("anonymous", "outsider", "guest", "delegate", "chair", "secretary", "officer", "admin")
STATES = ("draft", "published")
USERNAMES = {
    "outsider": "nguoingoai",
    "guest": "khachmoi",  # khách mời: reads the published meeting, never counted, never votes
    "delegate": "daibieu1",
    "chair": "chutoa",
    "secretary": "thuky",
    "officer": "canbovanphong",
    "admin": "quantri",
}
SMALL_PDF = (MEETING_PACK / "chuong-trinh-ky-hop.pdf").read_bytes()


# The rules, as statuses per role. "member" roles read a published meeting; a draft only its
# secretaries, its council's officers and admins. Anonymous callers get 401 from the API and the
# login page otherwise. Officers (office staff) run their council's meetings: they manage,
# moderate and export as a secretary does, and are not delegates.
def _rule(ok: int, *, allowed: set[str], denied: int = 403, draft_allowed: set[str] | None = None):
    """`allowed` succeed with `ok`; other members get `denied`; outsiders, and members who
    cannot see a draft, get 404 (unknown and invisible look the same)."""

    def expected(role: str, state: str, html: bool) -> int:
        if role == "anonymous":
            return 302 if html else 401
        sees = role in RUNS or (state == "published" and role in READERS)
        if not sees:
            return 404
        return ok if role in allowed else denied

    return expected


MEMBERS = {"delegate", "chair", "secretary"}
RUNS = {"secretary", "officer", "admin"}  # see the draft and manage the meeting
READERS = MEMBERS | {"guest"}  # who sees a published meeting
READ = _rule(200, allowed=READERS | RUNS)
MANAGE = _rule(200, allowed=RUNS)
EXPORT = _rule(200, allowed={"chair"} | RUNS)
RUN = {"chair"} | RUNS  # who runs a sitting
RUN_RULE = _rule(200, allowed=RUN)
# Counted and voting: the council's delegates, those on its roster (the meeting's secretary here is
# one of them; officers, guests and admins are not).
VOTE = _rule(200, allowed={"delegate", "chair", "secretary"})
RUN_FLOOR = _rule(200, allowed=RUN)  # floor/permissions.py: runs_floor


def _flat(statuses: dict[str, int]):
    """The same answer whatever the meeting's state: routes that are not about a meeting."""
    return lambda role, state, html: statuses[role]


SIGNED_IN = _flat({"anonymous": 401, **dict.fromkeys(USERNAMES, 200)})
SIGNED_IN_PAGE = _flat({"anonymous": 302, **dict.fromkeys(USERNAMES, 200)})
ADMIN = _flat({"anonymous": 401, **dict.fromkeys(USERNAMES, 403), "admin": 200})
ADMIN_PAGE = _flat({"anonymous": 302, **dict.fromkeys(USERNAMES, 403), "admin": 200})
PUBLIC = _flat(dict.fromkeys(ROLES, 200))
COUNCIL_OFFICE = _flat({"anonymous": 401, **dict.fromkeys(USERNAMES, 404), "admin": 200})


@dataclass
class World:
    """One meeting in a given state, with a document and annotations, and its people."""

    meeting: object
    item: object
    document: object
    users: dict
    annotations: dict = field(default_factory=dict)  # (author role, visibility) -> Annotation
    secrets: dict = field(default_factory=dict)  # private body text -> author role


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    json: dict | None = None
    upload: bytes | None = None
    form: dict | None = None


def _upload(data: bytes = SMALL_PDF):
    return {"file": (io.BytesIO(data), "tai-lieu.pdf")}


# Each route: its rule, and how to call it in a world. Calls that change something make their
# own target first, so every role finds the same situation.
def _fresh_item(w, make):
    return make["item"](w)


def _fresh_document(w, make):
    return make["document"](w)


def _fresh_member(w, make):
    return make["member"](w)


ROUTES = {
    ("GET", "/"): (SIGNED_IN_PAGE, lambda w, m: Call("GET", "/")),
    ("GET", "/login"): (PUBLIC, lambda w, m: Call("GET", "/login")),
    ("GET", "/healthz"): (PUBLIC, lambda w, m: Call("GET", "/healthz")),  # for the load balancer
    ("GET", "/api/login/queue"): (PUBLIC, lambda w, m: Call("GET", "/api/login/queue")),
    ("POST", "/login"): (  # wrong credentials: the form again, with 401
        _flat(dict.fromkeys(ROLES, 401)),
        lambda w, m: Call("POST", "/login", form={"username": "x", "password": "y"}),
    ),
    ("POST", "/logout"): (_flat(dict.fromkeys(ROLES, 302)), lambda w, m: Call("POST", "/logout")),
    ("GET", "/admin/users"): (ADMIN_PAGE, lambda w, m: Call("GET", "/admin/users")),
    ("GET", "/static/<build id>/<path:filename>"): (
        PUBLIC,
        lambda w, m: Call("GET", f"{current_app.static_url_path}/css/app.css"),
    ),
    ("GET", "/static/<build>/<path:filename>"): (  # a page from an older release
        PUBLIC,
        lambda w, m: Call("GET", "/static/0123456789ab/css/app.css"),
    ),
    # The service worker: it names only static files (offline/views.py), so anyone may fetch it.
    ("GET", "/sw.js"): (PUBLIC, lambda w, m: Call("GET", "/sw.js")),
    ("GET", "/account/password"): (SIGNED_IN_PAGE, lambda w, m: Call("GET", "/account/password")),
    ("POST", "/account/password"): (  # a wrong old password: the form again, with 400
        _flat({"anonymous": 302, **dict.fromkeys(USERNAMES, 400)}),
        lambda w, m: Call(
            "POST", "/account/password", form={"old_password": "sai", "new_password": "matkhaumoi123"}
        ),
    ),
    ("POST", "/api/me/password"): (
        _flat({"anonymous": 401, **dict.fromkeys(USERNAMES, 403)}),
        lambda w, m: Call(
            "POST", "/api/me/password", json={"old_password": "sai", "new_password": "matkhaumoi123"}
        ),
    ),
    ("PATCH", "/api/users/<int:user_id>"): (
        ADMIN,
        lambda w, m: Call("PATCH", f"/api/users/{m['user'](w).id}", json={"can_convene": True}),
    ),
    ("POST", "/api/users/<int:user_id>/unlock"): (
        ADMIN,
        lambda w, m: Call("POST", f"/api/users/{m['user'](w).id}/unlock"),
    ),
    ("GET", "/api/audit"): (ADMIN, lambda w, m: Call("GET", "/api/audit")),
    ("GET", "/admin/audit"): (ADMIN_PAGE, lambda w, m: Call("GET", "/admin/audit")),
    ("GET", "/api/meetings/<int:meeting_id>/audit"): (
        MANAGE,
        lambda w, m: Call("GET", f"/api/meetings/{w.meeting.id}/audit"),
    ),
    ("GET", "/meetings/<int:meeting_id>/audit"): (
        MANAGE,
        lambda w, m: Call("GET", f"/meetings/{w.meeting.id}/audit"),
    ),
    ("GET", "/api/councils"): (SIGNED_IN, lambda w, m: Call("GET", "/api/councils")),
    ("POST", "/api/councils"): (
        _flat({"anonymous": 401, **dict.fromkeys(USERNAMES, 403), "admin": 201}),
        lambda w, m: Call(
            "POST", "/api/councils", json={"name": f"HĐND xã {uuid.uuid4().hex[:8]}", "place": "Xã"}
        ),
    ),
    ("POST", "/api/councils/<int:council_id>/officers"): (
        _flat({"anonymous": 401, **dict.fromkeys(USERNAMES, 403), "admin": 201}),
        lambda w, m: Call("POST", f"/api/councils/{_council().id}/officers", json={"username": "thuky"}),
    ),
    ("DELETE", "/api/councils/<int:council_id>/officers/<int:user_id>"): (
        _flat({"anonymous": 401, **dict.fromkeys(USERNAMES, 403), "admin": 200}),
        lambda w, m: Call(
            "DELETE",
            f"/api/councils/{_council(officer=w.users['secretary']).id}/officers/{w.users['secretary'].id}",
        ),
    ),
    # A council's roster is kept by its officers and admins; to anyone else it does not exist.
    ("GET", "/api/councils/<int:council_id>/members"): (
        COUNCIL_OFFICE,
        lambda w, m: Call("GET", f"/api/councils/{_council().id}/members"),
    ),
    ("POST", "/api/councils/<int:council_id>/members"): (
        _flat({"anonymous": 401, **dict.fromkeys(USERNAMES, 404), "admin": 201}),
        lambda w, m: Call("POST", f"/api/councils/{_council().id}/members", json={"username": "daibieu1"}),
    ),
    ("DELETE", "/api/councils/<int:council_id>/members/<int:user_id>"): (
        COUNCIL_OFFICE,
        lambda w, m: Call(
            "DELETE",
            f"/api/councils/{_council(roster=w.users['delegate']).id}/members/{w.users['delegate'].id}",
        ),
    ),
    ("POST", "/api/councils/<int:council_id>/members/import"): (
        _flat({"anonymous": 401, **dict.fromkeys(USERNAMES, 404), "admin": 201}),
        lambda w, m: Call("POST", f"/api/councils/{_council().id}/members/import", form={"file": _roster()}),
    ),
    # Officers reach their councils' rosters from here (the world's officer runs its council).
    ("GET", "/councils"): (
        _flat({"anonymous": 302, **dict.fromkeys(USERNAMES, 403), "officer": 200, "admin": 200}),
        lambda w, m: Call("GET", "/councils"),
    ),
    ("GET", "/councils/<int:council_id>"): (
        _flat({"anonymous": 302, **dict.fromkeys(USERNAMES, 404), "admin": 200}),
        lambda w, m: Call("GET", f"/councils/{_council().id}"),
    ),
    # Everyone on the world's council's roster is a member already: nobody new is invited.
    ("POST", "/api/meetings/<int:meeting_id>/members/roster"): (
        _rule(200, allowed=RUNS),
        lambda w, m: Call("POST", f"/api/meetings/{w.meeting.id}/members/roster"),
    ),
    ("POST", "/api/login"): (
        _flat(dict.fromkeys(ROLES, 401)),
        lambda w, m: Call("POST", "/api/login", json={"username": "thuky", "password": "sai-mat-khau"}),
    ),
    ("POST", "/api/logout"): (PUBLIC, lambda w, m: Call("POST", "/api/logout")),
    ("GET", "/api/me"): (SIGNED_IN, lambda w, m: Call("GET", "/api/me")),
    ("GET", "/api/users"): (ADMIN, lambda w, m: Call("GET", "/api/users")),
    ("POST", "/api/users"): (
        _flat({"anonymous": 401, **dict.fromkeys(USERNAMES, 403), "admin": 201}),
        lambda w, m: Call("POST", "/api/users", json=_new_user()),
    ),
    ("POST", "/api/users/import"): (
        _flat({"anonymous": 401, **dict.fromkeys(USERNAMES, 403), "admin": 201}),
        lambda w, m: Call("POST", "/api/users/import", form={"file": _roster()}),
    ),
    ("GET", "/api/meetings"): (SIGNED_IN, lambda w, m: Call("GET", "/api/meetings")),
    # Today any signed-in user may convene a meeting (the accounts work restricts this).
    ("POST", "/api/meetings"): (
        _flat({"anonymous": 401, **dict.fromkeys(USERNAMES, 201)}),
        lambda w, m: Call(
            "POST", "/api/meetings", json={"title": "Họp", "starts_at": "2026-12-01T08:00:00+07:00"}
        ),
    ),
    ("GET", "/api/meetings/<int:meeting_id>"): (
        READ,
        lambda w, m: Call("GET", f"/api/meetings/{w.meeting.id}"),
    ),
    ("PATCH", "/api/meetings/<int:meeting_id>"): (
        MANAGE,
        lambda w, m: Call("PATCH", f"/api/meetings/{w.meeting.id}", json={"location": "Hội trường B"}),
    ),
    ("POST", "/api/meetings/<int:meeting_id>/publish"): (
        MANAGE,
        lambda w, m: Call("POST", f"/api/meetings/{w.meeting.id}/publish"),
    ),
    ("POST", "/api/meetings/<int:meeting_id>/agenda"): (
        _rule(201, allowed=RUNS),
        lambda w, m: Call("POST", f"/api/meetings/{w.meeting.id}/agenda", json={"title": "Nội dung mới"}),
    ),
    ("PUT", "/api/meetings/<int:meeting_id>/agenda/order"): (
        MANAGE,
        lambda w, m: Call(
            "PUT",
            f"/api/meetings/{w.meeting.id}/agenda/order",
            json={"item_ids": [item.id for item in w.meeting.agenda_items]},
        ),
    ),
    ("POST", "/api/meetings/<int:meeting_id>/members"): (
        _rule(201, allowed=RUNS),
        lambda w, m: Call(
            "POST",
            f"/api/meetings/{w.meeting.id}/members",
            json={"username": m["user"](w).username, "role": "delegate"},
        ),
    ),
    ("DELETE", "/api/meetings/<int:meeting_id>/members/<int:user_id>"): (
        MANAGE,
        lambda w, m: Call("DELETE", f"/api/meetings/{w.meeting.id}/members/{_fresh_member(w, m).id}"),
    ),
    ("PATCH", "/api/agenda/<int:item_id>"): (
        MANAGE,
        lambda w, m: Call("PATCH", f"/api/agenda/{w.item.id}", json={"title": "Tên mới"}),
    ),
    ("DELETE", "/api/agenda/<int:item_id>"): (
        MANAGE,
        lambda w, m: Call("DELETE", f"/api/agenda/{_fresh_item(w, m).id}"),
    ),
    ("POST", "/api/agenda/<int:item_id>/documents"): (
        _rule(201, allowed=RUNS),
        lambda w, m: Call("POST", f"/api/agenda/{w.item.id}/documents", upload=SMALL_PDF),
    ),
    ("GET", "/api/documents/<int:document_id>"): (
        READ,
        lambda w, m: Call("GET", f"/api/documents/{w.document.id}"),
    ),
    ("DELETE", "/api/documents/<int:document_id>"): (
        MANAGE,
        lambda w, m: Call("DELETE", f"/api/documents/{_fresh_document(w, m).id}"),
    ),
    ("POST", "/api/documents/<int:document_id>/replace"): (
        _rule(201, allowed=RUNS),
        lambda w, m: Call("POST", f"/api/documents/{_fresh_document(w, m).id}/replace", upload=SMALL_PDF),
    ),
    ("GET", "/api/documents/<int:document_id>/paragraphs"): (
        READ,
        lambda w, m: Call("GET", f"/api/documents/{w.document.id}/paragraphs"),
    ),
    ("GET", "/api/documents/<int:document_id>/text"): (
        READ,
        lambda w, m: Call("GET", f"/api/documents/{w.document.id}/text?from=1&to=1"),
    ),
    ("GET", "/api/documents/<int:document_id>/pages/<int:number>/text"): (
        READ,
        lambda w, m: Call("GET", f"/api/documents/{w.document.id}/pages/1/text"),
    ),
    ("GET", "/api/documents/<int:document_id>/changes"): (
        READ,
        lambda w, m: Call("GET", f"/api/documents/{w.document.id}/changes"),
    ),
    ("GET", "/api/documents/<int:document_id>/file"): (
        READ,
        lambda w, m: Call("GET", f"/api/documents/{w.document.id}/file"),
    ),
    ("GET", "/api/documents/<int:document_id>/pages/<int:number>/view"): (
        READ,
        lambda w, m: Call("GET", f"/api/documents/{w.document.id}/pages/1/view"),
    ),
    ("GET", "/api/documents/<int:document_id>/glyphs/<int:block>"): (
        READ,
        lambda w, m: Call("GET", f"/api/documents/{w.document.id}/glyphs/0"),
    ),
    ("GET", "/api/documents/<int:document_id>/pages/<int:number>/image"): (
        READ,
        lambda w, m: Call("GET", f"/api/documents/{w.document.id}/pages/1/image?width=320"),
    ),
    ("GET", "/api/documents/<int:document_id>/annotations"): (
        READ,
        lambda w, m: Call("GET", f"/api/documents/{w.document.id}/annotations"),
    ),
    ("GET", "/api/documents/<int:document_id>/annotated.pdf"): (
        EXPORT,
        lambda w, m: Call("GET", f"/api/documents/{w.document.id}/annotated.pdf"),
    ),
    ("GET", "/api/meetings/<int:meeting_id>/digest.json"): (
        EXPORT,
        lambda w, m: Call("GET", f"/api/meetings/{w.meeting.id}/digest.json"),
    ),
    ("GET", "/api/meetings/<int:meeting_id>/digest.csv"): (
        EXPORT,
        lambda w, m: Call("GET", f"/api/meetings/{w.meeting.id}/digest.csv"),
    ),
    ("GET", "/api/meetings/<int:meeting_id>/digest.docx"): (
        EXPORT,
        lambda w, m: Call("GET", f"/api/meetings/{w.meeting.id}/digest.docx"),
    ),
    ("GET", "/api/meetings/<int:meeting_id>/digest.pdf"): (
        EXPORT,
        lambda w, m: Call("GET", f"/api/meetings/{w.meeting.id}/digest.pdf"),
    ),
    ("GET", "/api/meetings/<int:meeting_id>/minutes.pdf"): (
        EXPORT,
        lambda w, m: Call("GET", f"/api/meetings/{w.meeting.id}/minutes.pdf"),
    ),
    ("GET", "/api/meetings/<int:meeting_id>/minutes.docx"): (
        EXPORT,
        lambda w, m: Call("GET", f"/api/meetings/{w.meeting.id}/minutes.docx"),
    ),
    ("GET", "/api/meetings/<int:meeting_id>/minutes"): (
        EXPORT,
        lambda w, m: Call("GET", f"/api/meetings/{w.meeting.id}/minutes"),
    ),
    ("PUT", "/api/meetings/<int:meeting_id>/minutes/paragraphs/<key>"): (
        EXPORT,
        lambda w, m: Call(
            "PUT",
            f"/api/meetings/{w.meeting.id}/minutes/paragraphs/item-{w.item.id}",
            json={"text": "Kết luận"},
        ),
    ),
    ("POST", "/api/meetings/<int:meeting_id>/minutes/finalise"): (
        _rule(200, allowed={"chair", "admin"}),
        lambda w, m: Call("POST", f"/api/meetings/{w.meeting.id}/minutes/finalise", json={}),
    ),
    ("POST", "/api/meetings/<int:meeting_id>/minutes/publish"): (
        _rule(201, allowed=RUNS),
        lambda w, m: Call("POST", f"/api/meetings/{w.meeting.id}/minutes/publish"),
    ),
    ("GET", "/meetings/<int:meeting_id>/minutes"): (
        EXPORT,
        lambda w, m: Call("GET", f"/meetings/{w.meeting.id}/minutes"),
    ),
    ("GET", "/api/meetings/<int:meeting_id>/annotations.jsonld"): (
        EXPORT,
        lambda w, m: Call("GET", f"/api/meetings/{w.meeting.id}/annotations.jsonld"),
    ),
    ("GET", "/meetings/<int:meeting_id>"): (
        _rule(200, allowed=MEMBERS | RUNS, denied=200),
        lambda w, m: Call("GET", f"/meetings/{w.meeting.id}"),
    ),
    ("GET", "/meetings/<int:meeting_id>/digest"): (
        EXPORT,
        lambda w, m: Call("GET", f"/meetings/{w.meeting.id}/digest"),
    ),
    ("GET", "/documents/<int:document_id>"): (READ, lambda w, m: Call("GET", f"/documents/{w.document.id}")),
    # The sitting: the chair and the secretary run it; the entitled (delegates, the chair) take part.
    ("POST", "/api/meetings/<int:meeting_id>/sittings"): (
        _rule(201, allowed=RUN),
        lambda w, m: (_no_open_sitting(w), Call("POST", f"/api/meetings/{w.meeting.id}/sittings"))[1],
    ),
    ("POST", "/api/sittings/<int:sitting_id>/close"): (
        RUN_RULE,
        lambda w, m: Call("POST", f"/api/sittings/{_sitting(w).id}/close"),
    ),
    ("GET", "/api/meetings/<int:meeting_id>/sitting"): (
        READ,
        lambda w, m: Call("GET", f"/api/meetings/{w.meeting.id}/sitting"),
    ),
    ("GET", "/api/sittings/<int:sitting_id>/checkin-code"): (
        RUN_RULE,
        lambda w, m: Call("GET", f"/api/sittings/{_sitting(w).id}/checkin-code"),
    ),
    ("POST", "/api/sittings/<int:sitting_id>/checkin"): (
        VOTE,
        lambda w, m: _checkin_call(_sitting(w)),
    ),
    ("GET", "/api/sittings/<int:sitting_id>/attendance"): (
        READ,
        lambda w, m: Call("GET", f"/api/sittings/{_sitting(w).id}/attendance"),
    ),
    ("PUT", "/api/sittings/<int:sitting_id>/attendance/<int:user_id>"): (
        MANAGE,
        lambda w, m: Call(
            "PUT",
            f"/api/sittings/{_sitting(w).id}/attendance/{w.users['delegate'].id}",
            json={"status": "absent", "reason": "co_ly_do"},
        ),
    ),
    ("DELETE", "/api/sittings/<int:sitting_id>/attendance/<int:user_id>"): (
        MANAGE,
        lambda w, m: Call("DELETE", f"/api/sittings/{_sitting(w).id}/attendance/{w.users['delegate'].id}"),
    ),
    ("POST", "/api/meetings/<int:meeting_id>/polls"): (
        _rule(201, allowed=RUNS),
        lambda w, m: Call(
            "POST", f"/api/meetings/{w.meeting.id}/polls", json={"title": "Dự thảo nghị quyết"}
        ),
    ),
    ("GET", "/api/polls/<int:poll_id>"): (READ, lambda w, m: Call("GET", f"/api/polls/{_poll(w).id}")),
    ("POST", "/api/polls/<int:poll_id>/open"): (
        RUN_RULE,
        lambda w, m: Call("POST", f"/api/polls/{_poll(w, sitting=True).id}/open"),
    ),
    ("POST", "/api/polls/<int:poll_id>/close"): (
        RUN_RULE,
        lambda w, m: Call("POST", f"/api/polls/{_poll(w, 'open').id}/close"),
    ),
    ("POST", "/api/polls/<int:poll_id>/ballots"): (
        VOTE,
        lambda w, m: Call(
            "POST",
            f"/api/polls/{_poll(w, 'open').id}/ballots",
            json={"ballot_id": uuid.uuid4().hex, "choice": "for"},
        ),
    ),
    ("POST", "/api/polls/<int:poll_id>/hands"): (
        MANAGE,
        lambda w, m: Call(
            "POST",
            f"/api/polls/{_poll(w, 'open').id}/hands",
            json={"user_id": w.users["delegate"].id, "ballot_id": uuid.uuid4().hex, "choice": "against"},
        ),
    ),
    ("POST", "/api/polls/<int:poll_id>/result"): (
        MANAGE,
        lambda w, m: Call(
            "POST",
            f"/api/polls/{_poll(w, kind='manual').id}/result",
            json={"for": 2, "against": 0, "abstain": 1},
        ),
    ),
    ("GET", "/meetings/<int:meeting_id>/sitting"): (
        RUN_RULE,
        lambda w, m: Call("GET", f"/meetings/{w.meeting.id}/sitting"),
    ),
    ("GET", "/meetings/<int:meeting_id>/vote"): (
        READ,
        lambda w, m: Call("GET", f"/meetings/{w.meeting.id}/vote"),
    ),
    # The floor (floor/permissions.py): delegates ask for it, the chair (or secretary) runs it.
    ("POST", "/api/agenda/<int:item_id>/speakers"): (
        _rule(201, allowed={"delegate", "chair"}),
        lambda w, m: Call("POST", f"/api/agenda/{w.item.id}/speakers", json={"kind": "speech"}),
    ),
    ("GET", "/api/agenda/<int:item_id>/speakers"): (
        READ,
        lambda w, m: Call("GET", f"/api/agenda/{w.item.id}/speakers"),
    ),
    ("PUT", "/api/agenda/<int:item_id>/speakers/order"): (
        RUN_FLOOR,
        lambda w, m: Call(
            "PUT", f"/api/agenda/{w.item.id}/speakers/order", json={"speaker_ids": _waiting(w)}
        ),
    ),
    ("POST", "/api/speakers/<int:speaker_id>/start"): (
        RUN_FLOOR,
        lambda w, m: Call("POST", f"/api/speakers/{_speaker(w).id}/start"),
    ),
    ("POST", "/api/speakers/<int:speaker_id>/next"): (
        RUN_FLOOR,
        lambda w, m: Call("POST", f"/api/speakers/{_speaker(w, speaking=True).id}/next"),
    ),
    ("POST", "/api/speakers/<int:speaker_id>/stop"): (
        RUN_FLOOR,
        lambda w, m: Call("POST", f"/api/speakers/{_speaker(w, speaking=True).id}/stop"),
    ),
    ("DELETE", "/api/speakers/<int:speaker_id>"): (  # the author may too; this one is daibieu2's
        RUN_FLOOR,
        lambda w, m: Call("DELETE", f"/api/speakers/{_speaker(w).id}"),
    ),
    ("PUT", "/api/speakers/<int:speaker_id>/answer"): (
        RUN_FLOOR,
        lambda w, m: Call(
            "PUT", f"/api/speakers/{_speaker(w, kind='question').id}/answer", json={"note": "Trả lời"}
        ),
    ),
    ("POST", "/api/speakers/<int:speaker_id>/commitments"): (
        _rule(201, allowed=RUN),
        lambda w, m: Call(
            "POST", f"/api/speakers/{_speaker(w, kind='question').id}/commitments", json={"text": "Cam kết"}
        ),
    ),
    ("POST", "/api/commitments/<int:commitment_id>/close"): (
        RUN_FLOOR,
        lambda w, m: Call("POST", f"/api/commitments/{_commitment(w).id}/close", json={"report": "Đã xong"}),
    ),
    ("GET", "/api/councils/<int:council_id>/commitments"): (
        COUNCIL_OFFICE,
        lambda w, m: Call("GET", f"/api/councils/{_council().id}/commitments"),
    ),
    ("GET", "/api/meetings/<int:meeting_id>/commitments"): (
        READ,
        lambda w, m: Call("GET", f"/api/meetings/{w.meeting.id}/commitments"),
    ),
    ("GET", "/api/meetings/<int:meeting_id>/floor"): (
        READ,
        lambda w, m: Call("GET", f"/api/meetings/{w.meeting.id}/floor"),
    ),
    ("PUT", "/api/meetings/<int:meeting_id>/floor/item"): (
        RUN_FLOOR,
        lambda w, m: Call("PUT", f"/api/meetings/{w.meeting.id}/floor/item", json={"direction": "next"}),
    ),
    ("PUT", "/api/meetings/<int:meeting_id>/floor/projection"): (
        RUN_FLOOR,
        lambda w, m: Call(
            "PUT",
            f"/api/meetings/{w.meeting.id}/floor/projection",
            json={"document_id": w.document.id, "page": 1},
        ),
    ),
    ("GET", "/meetings/<int:meeting_id>/screen"): (
        READ,
        lambda w, m: Call("GET", f"/meetings/{w.meeting.id}/screen"),
    ),
    ("GET", "/meetings/<int:meeting_id>/console"): (
        RUN_FLOOR,
        lambda w, m: Call("GET", f"/meetings/{w.meeting.id}/console"),
    ),
    ("GET", "/meetings/<int:meeting_id>/floor"): (
        READ,
        lambda w, m: Call("GET", f"/meetings/{w.meeting.id}/floor"),
    ),
}


# The sitting's targets, fresh for every call: written directly, so each role finds the same state.
def _no_open_sitting(w):
    from sqlalchemy import update

    from core.clock import utcnow
    from sittings.models import Poll, Sitting

    db.session.execute(
        update(Poll).where(Poll.meeting_id == w.meeting.id, Poll.state == "open").values(state="closed")
    )
    db.session.execute(
        update(Sitting)
        .where(Sitting.meeting_id == w.meeting.id, Sitting.closed_at.is_(None))
        .values(closed_at=utcnow())
    )
    db.session.commit()


def _sitting(w):
    """A fresh open sitting where the meeting's council delegates (the secretary is one) are present."""
    from sittings.models import Attendance, Sitting

    _no_open_sitting(w)
    sitting = Sitting(meeting_id=w.meeting.id, opened_by_id=w.users["secretary"].id)
    db.session.add(sitting)
    db.session.flush()
    for role in ("delegate", "chair", "secretary", "author"):
        db.session.add(
            Attendance(sitting_id=sitting.id, user_id=w.users[role].id, status="present", source="secretary")
        )
    db.session.commit()
    return sitting


def _poll(w, state="draft", kind="electronic", sitting=False):
    from sittings.models import Poll

    open_sitting = _sitting(w) if state == "open" or sitting else None
    poll = Poll(
        meeting_id=w.meeting.id,
        sitting_id=open_sitting.id if state == "open" else None,
        title="Dự thảo nghị quyết",
        rule="majority_of_total",
        kind=kind,
        state=state,
    )
    db.session.add(poll)
    db.session.commit()
    return poll


def _checkin_call(sitting):
    from sittings import checkin

    return Call("POST", f"/api/sittings/{sitting.id}/checkin", json={"code": checkin.current(sitting.id)[0]})


def _speaker(w, *, kind: str = "speech", speaking: bool = False):
    """A fresh request for the floor by daibieu2 on the world's first item, waiting or speaking."""
    from core.clock import utcnow
    from floor.models import Speaker

    now = utcnow() if speaking else None
    speaker = Speaker(
        meeting_id=w.meeting.id,
        agenda_item_id=w.item.id,
        user_id=w.users["author"].id,
        kind=kind,
        position=0,
        state="speaking" if speaking else "waiting",
        phase=("question" if kind == "question" else "speech") if speaking else None,
        started_at=now,
        phase_started_at=now,
        allowed_s=60 if speaking else None,
    )
    db.session.add(speaker)
    db.session.commit()
    return speaker


def _waiting(w) -> list[int]:
    from floor.models import Speaker

    rows = db.session.query(Speaker).filter_by(agenda_item_id=w.item.id, state="waiting").all()
    return [row.id for row in rows]


def _commitment(w):
    from floor.models import Commitment

    question = _speaker(w, kind="question")
    commitment = Commitment(
        question=question, meeting_id=w.meeting.id, text="Cam kết", recorded_by_id=w.users["secretary"].id
    )
    db.session.add(commitment)
    db.session.commit()
    return commitment


def _council_name() -> str:
    return f"Hội đồng nhân dân xã {uuid.uuid4().hex[:8]}"


def _council(officer=None, roster=None):
    from councils.models import Council, CouncilMember, CouncilOfficer

    council = Council(name=_council_name(), place="Xã")
    if officer is not None:
        council.officers.append(CouncilOfficer(user=officer))
    if roster is not None:
        council.roster.append(CouncilMember(user=roster))
    db.session.add(council)
    db.session.commit()
    return council


def _new_user() -> dict:
    return {"username": f"u{uuid.uuid4().hex[:10]}", "password": "matkhau123", "full_name": "Người mới"}


def _roster():
    row = f"u{uuid.uuid4().hex[:10]},Người mới,matkhau123\n"
    return (io.BytesIO(("username,full_name,password\n" + row).encode()), "ds.csv")


def _routes_in_the_app(app) -> set[tuple[str, str]]:
    """Static files live under the build id of the day (core/assets.py): one line for it."""
    current = app.static_url_path + "/"
    return {
        (method, rule.rule.replace(current, "/static/<build id>/"))
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_has_a_line_in_the_permission_table(app):
    assert _routes_in_the_app(app) == set(ROUTES)


def test_every_live_event_has_a_line_in_the_permission_table(app):
    assert set(socketio.server.handlers["/"]) == set(EVENTS)


# The world each case runs in


@pytest.fixture
def world_for(app, create_user, create_meeting, create_document):
    def build(state: str) -> World:
        users = {role: create_user(name, admin=role == "admin") for role, name in USERNAMES.items()}
        author = create_user("daibieu2")
        meeting = create_meeting(
            users["secretary"],
            chair=users["chair"],
            delegates=[users["delegate"], author],
            agenda=("Nội dung 1", "Nội dung 2"),
            published=state == "published",
        )
        _invite_guest(meeting, users)
        document = create_document(users["secretary"], meeting.agenda_items[0], "chuong-trinh-ky-hop.pdf")
        _hold_in_a_council(meeting, officer=users["officer"], roster=[*meeting.memberships])
        world = World(meeting, meeting.agenda_items[0], document, {**users, "author": author})
        for role in ("author", "guest", "delegate", "chair", "secretary", "officer", "admin"):
            for visibility in ("shared", "private"):
                body = f"y-kien-{visibility}-{role}-{uuid.uuid4().hex[:8]}"  # ASCII: JSON escapes the rest
                world.annotations[role, visibility] = _annotate(world.users[role], document, visibility, body)
                if visibility == "private":
                    world.secrets[body] = role
        return world

    return build


def _hold_in_a_council(meeting, officer, roster):
    """The world's meeting is a council's: its members on the roster (guests come from outside
    it), `officer` one of its staff."""
    from councils.models import CouncilMember

    council = _council(officer=officer)
    council.roster.extend(CouncilMember(user_id=m.user_id) for m in roster if m.role != "guest")
    meeting.council_id = council.id
    db.session.commit()


@unit_of_work
def _invite_guest(meeting, users):
    from meetings import service
    from meetings.schemas import NewMember

    guest = NewMember(username=users["guest"].username, role="guest")
    service.add_member(users["secretary"], meeting.id, guest)


def _annotate(user, document, visibility, body):
    from annotations.models import Annotation, DocumentSequence
    from core.clock import utcnow

    sequence = db.session.get(DocumentSequence, document.id) or DocumentSequence(
        document_id=document.id, last_seq=0
    )
    db.session.add(sequence)
    sequence.last_seq += 1
    annotation = Annotation(
        document_id=document.id,
        author=user,
        kind="comment",
        visibility=visibility,
        target={"paragraph_id": None, "quote": ""},
        body=body,
        seq=sequence.last_seq,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    db.session.add(annotation)
    db.session.commit()
    return annotation


@pytest.fixture
def makers(app, create_user, create_document):
    from meetings import service
    from meetings.schemas import NewAgendaItem, NewMember

    @unit_of_work
    def item(w):
        return service.add_agenda_item(w.users["secretary"], w.meeting.id, NewAgendaItem(title="Tạm"))

    def document(w):
        return create_document(w.users["secretary"], w.meeting.agenda_items[1], "chuong-trinh-ky-hop.pdf")

    def user(w):
        """Someone new, on the council's roster: only its delegates may be invited to its meetings."""
        from councils.models import CouncilMember

        fresh = create_user(f"u{uuid.uuid4().hex[:10]}")
        db.session.add(CouncilMember(council_id=w.meeting.council_id, user_id=fresh.id))
        db.session.commit()
        return fresh

    @unit_of_work
    def member(w):
        fresh = user(w)
        service.add_member(
            w.users["secretary"], w.meeting.id, NewMember(username=fresh.username, role="delegate")
        )
        return fresh

    return {"item": item, "document": document, "user": user, "member": member}


@pytest.fixture
def tokens(app):
    """Bearer headers, fetched by a client of their own: a login's session cookie on the client
    under test would speak for whoever logged in last."""
    cache = {}

    def token(role: str) -> dict:
        if role == "anonymous":
            return {}
        if role not in cache:
            response = app.test_client().post(
                "/api/login", json={"username": USERNAMES[role], "password": PASSWORD}
            )
            cache[role] = {"Authorization": f"Bearer {response.get_json()['token']}"}
        return cache[role]

    return token


def _send(client, call: Call, headers: dict):
    kwargs = {"headers": headers}
    if call.json is not None:
        kwargs["json"] = call.json
    if call.upload is not None:
        kwargs.update(data=_upload(call.upload), content_type="multipart/form-data")
    if call.form is not None:
        kwargs["data"] = call.form
    return client.open(call.url, method=call.method, **kwargs)


def _leaks(world: World, role: str, body: bytes) -> list[str]:
    """Private annotation texts in `body` that `role` did not write."""
    text = body.decode("utf-8", "replace")
    return [secret for secret, author in world.secrets.items() if author != role and secret in text]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
def test_each_role_gets_what_the_table_says(app, client, world_for, makers, tokens, route, state):
    rule, make_call = ROUTES[route]
    world = world_for(state)
    html = not route[1].startswith("/api/")
    answers, expected, leaks = {}, {}, {}
    for role in ROLES:
        headers = tokens(role)  # before the call: logging out must not cost the next role its token
        response = _send(client, make_call(world, makers), headers)
        answers[role] = response.status_code
        expected[role] = rule(role, state, html)
        if response.status_code < 300:
            leaks[role] = _leaks(world, role, response.data)
        response.close()
    assert answers == expected
    assert not any(leaks.values()), leaks


# Live events


def _connect(app, tokens, role):
    headers = tokens(role)
    auth = {"token": headers["Authorization"].split()[1]} if headers else {}
    return socketio.test_client(app, auth=auth)


# Expected acks: "ok" or the error code. Annotation events depend on whose annotation it is:
# "shared" (someone else's shared comment), "own-private", "other-private".
def _reader(role, state):
    return role in RUNS or (state == "published" and role in READERS)


def _on_document(role, state):
    return "ok" if _reader(role, state) else "document_not_found"


def _edit(role, state, whose):
    if not _reader(role, state) or whose == "other-private":
        return "annotation_not_found"
    return "ok" if whose == "own-private" else "not_your_annotation"


def _create(role, state):
    """The payload is a shared comment: a guest keeps their own annotations private and only
    answers in a delegate's shared thread (tests/annotations/test_guests.py)."""
    if _reader(role, state) and role == "guest":
        return "guest_cannot_share"
    return _on_document(role, state)


def _ballot(role, state):
    if not _reader(role, state):
        return "poll_not_found"
    return "ok" if role in ("delegate", "chair", "secretary") else "not_entitled"


def _hide(role, state, whose):
    if not _reader(role, state) or whose == "other-private":
        return "annotation_not_found"
    if role not in {"chair"} | RUNS:
        return "forbidden"
    return "ok" if whose == "shared" else "only_comments_hidden"


EVENTS = {
    "connect": None,  # checked in test_only_signed_in_people_connect
    "disconnect": None,  # nothing to refuse: it only takes the connection out of its rooms
    "document:join": lambda role, state, whose: _on_document(role, state),
    "document:leave": lambda role, state, whose: "ok",  # leaving a room one is not in changes nothing
    "meeting:join": lambda role, state, whose: "ok" if _reader(role, state) else "meeting_not_found",
    "meeting:leave": lambda role, state, whose: "ok",
    "presence:update": lambda role, state, whose: "ok" if _reader(role, state) else "document_not_joined",
    "annotation:create": lambda role, state, whose: _create(role, state),
    "annotation:update": _edit,
    "annotation:delete": _edit,
    "annotation:hide": _hide,
    "ballot:cast": lambda role, state, whose: _ballot(role, state),
}
WHOSE = {
    "annotation:update": ("shared", "own-private", "other-private"),
    "annotation:delete": ("shared", "own-private", "other-private"),
    "annotation:hide": ("shared", "own-private", "other-private"),
}


def _payload(event: str, world: World, role: str, whose: str | None) -> dict:
    document_id = world.document.id
    op = {"op_id": uuid.uuid4().hex}
    if event in ("document:join", "document:leave"):
        return {"document_id": document_id}
    if event in ("meeting:join", "meeting:leave"):
        return {"meeting_id": world.meeting.id}
    if event == "presence:update":
        return {"document_id": document_id, "page": 1}
    if event == "ballot:cast":
        return {**op, "poll_id": _poll(world, "open").id, "choice": "for"}
    if event == "annotation:create":
        return {
            **op,
            "document_id": document_id,
            "kind": "comment",
            "target": {"paragraph_id": None},
            "body": "Ý kiến",
        }
    key = {
        "shared": ("author", "shared"),
        "own-private": (role, "private"),
        "other-private": ("author", "private"),
    }[whose]
    target = world.annotations[key] if key[0] in world.users and key in world.annotations else None
    annotation_id = target.id if target is not None else 10**9  # an outsider has nothing of their own
    if event == "annotation:hide":
        return {**op, "id": annotation_id, "hidden": True}
    if event == "annotation:update":
        return {**op, "id": annotation_id, "body": "Sửa lại"}
    return {**op, "id": annotation_id}


def test_only_signed_in_people_connect(app, tokens, world_for):
    world_for("published")
    assert {role: _connect(app, tokens, role).is_connected() for role in ROLES} == {
        role: role != "anonymous" for role in ROLES
    }


CASES = [
    (event, whose)
    for event, rule in EVENTS.items()
    if rule is not None
    for whose in WHOSE.get(event, (None,))
]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(("event", "whose"), CASES, ids=lambda v: str(v))
def test_each_role_gets_the_ack_the_table_says(app, tokens, world_for, event, whose, state):
    world = world_for(state)
    acks, expected = {}, {}
    for role in ROLES[1:]:  # anonymous never connects
        client = _connect(app, tokens, role)
        if event == "presence:update":
            client.emit("document:join", {"document_id": world.document.id}, callback=True)
        ack = client.emit(event, _payload(event, world, role, whose), callback=True)
        acks[role] = "ok" if ack["ok"] else ack["error"]
        expected[role] = EVENTS[event](role, state, whose)
        received = client.get_received()
        client.disconnect()
        leaked = [
            secret
            for message in received
            for secret, author in world.secrets.items()
            if author != role and secret in repr(message["args"])
        ]
        assert not leaked, (role, leaked)
    assert acks == expected


def test_the_tables_cover_every_role_and_state():
    """The tables above answer for every combination, not only those a test happened to try."""
    for (rule, _), role, state in itertools.product(ROUTES.values(), ROLES, STATES):
        assert isinstance(rule(role, state, False), int)
