"""The reminders API: JSON, same origin, no account.

Input is validated completely before anything is stored, so a rejected request
changes nothing. A plan is managed with the token returned once at creation
(``Authorization: Bearer <token>``); a wrong or missing token looks exactly like
an unknown plan (404).
"""

from __future__ import annotations

import datetime as dt
import re

from cryptography.hazmat.primitives.asymmetric import ec
from flask import Blueprint, Response, abort, jsonify, request, url_for

from . import push
from .content import OPERATORS
from .errors import error_response
from .i18n import LOCALES
from .push import keys, plans, schedule, utcnow
from .push.models import Plan

bp = Blueprint("api", __name__, url_prefix="/api")

B64URL_RE = re.compile(r"[A-Za-z0-9_-]+={0,2}")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_ENDPOINT_LENGTH = 2048
MAX_TIMEZONE_LENGTH = 64
#: A PushSubscription as ``PushSubscription.toJSON()`` gives it.
SUBSCRIPTION_FIELDS = {"endpoint": True, "expirationTime": False, "keys": True}
PLAN_FIELDS = {
    "subscription": True,
    "locale": True,
    "operator": True,
    "date": True,
    "timezone": True,
}
PREVIEW_FIELDS = {"operator": True, "date": True, "timezone": True}


class Invalid(ValueError):
    """Bad input: answered with 400 and this message."""


@bp.errorhandler(Invalid)
def invalid(e: Invalid) -> Response:
    return error_response(400, str(e))


@bp.after_request
def no_store(response: Response) -> Response:
    # Plans and tokens must not sit in any cache.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# --- validation ------------------------------------------------------------------------------


def _check_fields(obj: dict, spec: dict[str, bool], where: str) -> None:
    unknown = sorted(set(obj) - set(spec))
    if unknown:
        raise Invalid(f"unknown field {where}{unknown[0]}")
    missing = [name for name, required in spec.items() if required and name not in obj]
    if missing:
        raise Invalid(f"missing field {where}{missing[0]}")


def _string(obj: dict, name: str, where: str = "", max_length: int = 64) -> str:
    value = obj[name]
    if not isinstance(value, str):
        raise Invalid(f"{where}{name} must be a string")
    if not value or len(value) > max_length:
        raise Invalid(f"{where}{name} must be 1 to {max_length} characters")
    return value


def _b64url(value: object, name: str, length: int) -> str:
    """A base64url key of ``length`` bytes, returned without padding."""
    if not isinstance(value, str):
        raise Invalid(f"subscription.keys.{name} must be a string")
    if len(value) > 2 * length or not B64URL_RE.fullmatch(value):
        raise Invalid(f"subscription.keys.{name} is not base64url")
    try:
        raw = keys.b64url_decode(value.rstrip("="))
    except ValueError as e:
        raise Invalid(f"subscription.keys.{name} is not base64url") from e
    if len(raw) != length:
        raise Invalid(f"subscription.keys.{name} must be {length} bytes")
    return value.rstrip("=")


def subscription(data: object) -> dict:
    """A validated PushSubscription: endpoint of an allowed push service, valid keys."""
    if not isinstance(data, dict):
        raise Invalid("subscription must be an object")
    _check_fields(data, SUBSCRIPTION_FIELDS, "subscription.")
    endpoint = _string(data, "endpoint", "subscription.", MAX_ENDPOINT_LENGTH)
    # Push services hand out plain ASCII URLs; a NUL byte would also fail on PostgreSQL.
    if not (endpoint.isascii() and endpoint.isprintable()) or " " in endpoint:
        raise Invalid("subscription.endpoint is not a URL")
    if not push.settings().allows(endpoint):
        raise Invalid("subscription.endpoint is not a known push service")
    expiration = data.get("expirationTime")
    if expiration is not None and (
        isinstance(expiration, bool) or not isinstance(expiration, int | float) or expiration < 0
    ):
        raise Invalid("subscription.expirationTime must be null or a number")
    key_data = data["keys"]
    if not isinstance(key_data, dict):
        raise Invalid("subscription.keys must be an object")
    _check_fields(key_data, {"p256dh": True, "auth": True}, "subscription.keys.")
    p256dh = _b64url(key_data["p256dh"], "p256dh", 65)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), keys.b64url_decode(p256dh))
    except ValueError as e:
        raise Invalid("subscription.keys.p256dh is not a P-256 public key") from e
    auth = _b64url(key_data["auth"], "auth", 16)
    return {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}


def plan_choice(data: dict, now: dt.datetime) -> tuple[str, dt.date, str, list]:
    """Operator, day and time zone, checked; with the reminders still ahead of ``now``."""
    operator = _string(data, "operator")
    if operator not in OPERATORS:
        raise Invalid(f"unknown operator (known: {', '.join(OPERATORS)})")
    timezone = _string(data, "timezone", max_length=MAX_TIMEZONE_LENGTH)
    try:
        schedule.zone(timezone)
    except ValueError as e:
        raise Invalid("unknown time zone (expected an IANA name such as Asia/Baku)") from e
    text = _string(data, "date", max_length=10)
    try:
        if not DATE_RE.fullmatch(text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError as e:
        raise Invalid("date must be YYYY-MM-DD") from e
    if schedule.too_far(day, timezone, now):
        raise Invalid(f"date is more than {schedule.MAX_DAYS_AHEAD} days away")
    try:
        reminders = schedule.plan(day, timezone, now)
    except OverflowError:  # a day at the calendar's edge (0001-01-01): long past
        reminders = []
    if not reminders:
        raise Invalid("date is in the past: no reminder is left to send")
    return operator, day, timezone, reminders


def _json_object() -> dict:
    if not request.is_json:
        raise Invalid("expected a JSON body (Content-Type: application/json)")
    data = request.get_json(silent=True)  # too large: 413 before parsing
    if not isinstance(data, dict):
        raise Invalid("expected a JSON object")
    return data


def _authorized_plan(plan_id: str) -> Plan:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    # Ids are base64url: anything else is unknown without a query (NUL fails on PostgreSQL).
    well_formed = len(plan_id) <= 32 and B64URL_RE.fullmatch(plan_id)
    plan = (
        plans.get_plan(plan_id, token.strip())
        if scheme.lower() == "bearer" and well_formed
        else None
    )
    if plan is None:
        abort(404)
    return plan


# --- representation --------------------------------------------------------------------------


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def working_day_json(day: dt.date) -> dict:
    check = schedule.working_day(day)
    return {
        "ok": check.ok,
        "reason": check.reason,
        "holiday": check.holiday,
        "suggested": check.suggested.isoformat() if check.suggested else None,
    }


def plan_json(plan: Plan, token: str | None = None) -> dict:
    data = {
        "id": plan.id,
        "operator": plan.operator,
        "date": plan.day.isoformat(),
        "timezone": plan.timezone,
        "locale": plan.locale,
        "reminders": [
            {"kind": r.kind, "due": _utc(r.due_at), "state": r.state} for r in plan.reminders
        ],
        "working_day": working_day_json(plan.day),
    }
    if token is not None:
        data["token"] = token
    return data


# --- views -----------------------------------------------------------------------------------


@bp.get("/push/key")
def push_key() -> Response:
    """The VAPID public key for ``pushManager.subscribe({applicationServerKey})``."""
    return jsonify(publicKey=push.vapid_key().public)


@bp.get("/plan-preview")
def plan_preview() -> Response:
    """The plan for a choice, and whether the day is a working day; nothing is stored."""
    args = request.args.to_dict()
    _check_fields(args, PREVIEW_FIELDS, "")
    operator, day, timezone, reminders = plan_choice(args, utcnow())
    return jsonify(
        operator=operator,
        date=day.isoformat(),
        timezone=timezone,
        reminders=[{"kind": r.kind, "due": _utc(r.due)} for r in reminders],
        working_day=working_day_json(day),
    )


@bp.post("/reminders")
def create_reminders() -> Response:
    """Store a plan for a PushSubscription (replacing that endpoint's earlier plan)."""
    data = _json_object()
    _check_fields(data, PLAN_FIELDS, "")
    now = utcnow()
    sub = subscription(data["subscription"])
    locale = _string(data, "locale", max_length=16)
    if locale not in LOCALES:
        raise Invalid(f"unknown locale (known: {', '.join(LOCALES)})")
    operator, day, timezone, reminders = plan_choice(data, now)
    plan, token = plans.create_plan(
        sub,
        locale=locale,
        operator=operator,
        day=day,
        timezone=timezone,
        reminders=reminders,
        now=now,
    )
    response = jsonify(plan_json(plan, token))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_reminders", plan_id=plan.id)
    return response


@bp.get("/reminders/<plan_id>")
def get_reminders(plan_id: str) -> Response:
    return jsonify(plan_json(_authorized_plan(plan_id)))


@bp.delete("/reminders/<plan_id>")
def delete_reminders(plan_id: str) -> tuple[str, int]:
    plans.delete_plan(_authorized_plan(plan_id))
    return "", 204


@bp.post("/reminders/<plan_id>/done/<kind>")
def done(plan_id: str, kind: str) -> Response:
    """Mark one step done (from the page or a notification action): its reminder stops."""
    plan = _authorized_plan(plan_id)
    if kind not in {r.kind for r in plan.reminders}:
        abort(404)
    plans.mark_done(plan, kind)
    return jsonify(plan_json(plan))


@bp.put("/reminders/<plan_id>/subscription")
def move(plan_id: str) -> Response:
    """Move the plan to the browser's new PushSubscription (it changed since subscribing)."""
    plan = _authorized_plan(plan_id)
    data = _json_object()
    _check_fields(data, {"subscription": True}, "")
    plans.move_plan(plan, subscription(data["subscription"]), utcnow())
    return jsonify(plan_json(plan))
