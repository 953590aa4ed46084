"""The reminders' words: the notification payload, in the subscriber's language, and the
sentences the "Remind me" form lists (:func:`plan_sentences`).

The shape is the Push API's declarative push message (``{"web_push": 8030,
"notification": {…}}``), so Safari 18.4+ shows it without running the service
worker, and our service worker reads the same fields. Texts are English source
strings rendered at send time through the catalogs with ``force_locale``. Facts
come from ``shared/facts/azerbaijan-sim.md`` only (see each comment).
"""

from __future__ import annotations

import datetime as dt
import functools
import json

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from .. import content, i18n
from . import schedule

#: RFC 8030 and the push services allow 4 KB of ciphertext; keep well under it.
MAX_PAYLOAD_BYTES = 3 * 1024
#: A reminder the day before at or after this hour comes "the evening before".
EVENING = dt.time(17, 0)


@functools.cache
def operator_names() -> dict[str, str]:
    """Each operator's name as its content file gives it (a brand: never translated).

    Read once per process: the content ships with the code, so a change comes with a restart.
    """
    return {op: guide.name or op for op, guide in content.load().operators.items()}


class PayloadTooLarge(ValueError):
    """A rendered payload over :data:`MAX_PAYLOAD_BYTES`: a bug in the texts, not in the input."""


def _texts(kind: str, operator: str) -> tuple[str, str]:
    """Title and body of one reminder, in the current (forced) locale."""
    name = operator_names()[operator]
    if kind == "unbind":
        # Facts: Azercell may give a number to another subscriber after the contract ends,
        # without notice; Bakcell has resold blocked numbers (§5).
        return (
            _("3 days left: unbind your number"),
            _(
                "Move banks, e-wallets, payment apps, messengers and two-factor logins to "
                "another number while SMS codes still arrive. A closed number can later be "
                "given to someone else."
            ),
        )
    if kind == "prepare":
        # Facts: balance generally not refunded; transfers only to the same network (§4);
        # registration card / residence permit "if you have one" (§1.1).
        return (
            _("Tomorrow: close your %(operator)s number", operator=name),
            _(
                "Spend the remaining balance or move it to a number on the same network: it "
                "is generally not refunded. Pack your passport (and your registration card or "
                "residence permit, if you have one) and the SIM card."
            ),
        )
    if kind == "close":
        # Facts: ask for termination of the contract / cancellation of the number, not
        # only closing the line; a confirmation is worth asking for, no operator promises one.
        return (
            _("Today: close your %(operator)s number", operator=name),
            _(
                "Ask to terminate the contract and cancel the number, not only to close the "
                "line. Ask for a written or SMS confirmation."
            ),
        )
    if kind == "verify":
        return (
            _("Is your old number really closed?"),
            _(
                "Check that the number no longer works and that no bank, app or service "
                "still sends texts to it."
            ),
        )
    raise ValueError(f"unknown reminder kind {kind!r}")


def _link(kind: str, operator: str, lang_code: str) -> str:
    """The page a reminder opens: the after-care checklist or the operator's guide."""
    if kind in ("unbind", "verify"):
        return f"/{lang_code}/aftercare/"
    if kind == "close":
        # What to say at the counter, in Azerbaijani and Russian.
        return f"/{lang_code}/{operator}/clerk/"
    return f"/{lang_code}/{operator}/"


def rendered(kind: str, operator: str, locale: str, public_url: str = "") -> str:
    """The notification's localised part as JSON text (without timestamp and data).

    Rendering through the catalogs costs more than encrypting the message, and only
    kind, operator and language vary, so the sender renders each once per run.
    """
    lang_code = i18n.LANG_CODES[locale]
    navigate = public_url + _link(kind, operator, lang_code)
    with force_locale(locale):
        title, body = _texts(kind, operator)
        actions = [
            {"action": "open", "title": _("Open checklist"), "navigate": navigate},
            # Without a service worker, "Done" opens the page, which marks the step done.
            {
                "action": "done",
                "title": _("Done"),
                "navigate": f"{public_url}/{lang_code}/{operator}/?done={kind}#remind",
            },
        ]
    return json.dumps(
        {
            "title": title,
            "body": body,
            "navigate": navigate,
            "lang": i18n.HTML_LANG[lang_code],
            # Arabic and Persian right to left: the phone lays the text out (and aligns it) so.
            "dir": i18n.text_direction(lang_code),
            # Same tag (and push Topic) for a re-send: the phone replaces, never stacks.
            "tag": f"simexit-{kind}",
            # Let our service worker (when it runs) add the icon and handle "Done".
            "mutable": True,
            "actions": actions,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def payload(
    *,
    kind: str,
    operator: str,
    locale: str,
    plan_id: str,
    due: dt.datetime,
    public_url: str = "",
    note: str | None = None,
) -> bytes:
    """The declarative push message of one reminder (``{"web_push": 8030, "notification":
    {…, "timestamp", "data": {"plan", "kind"}}}``) as compact UTF-8 JSON;
    :class:`PayloadTooLarge` over 3 KB.

    :param note: :func:`rendered` for this kind, operator and locale, if already known.
    """
    note = note or rendered(kind, operator, locale, public_url)
    extra = json.dumps(
        {"timestamp": int(due.timestamp() * 1000), "data": {"plan": plan_id, "kind": kind}},
        separators=(",", ":"),
    )
    data = f'{{"web_push":8030,"notification":{note[:-1]},{extra[1:]}}}'.encode()
    if len(data) > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge(f"{kind}/{locale}: {len(data)} bytes")
    return data


def when_phrase(rule: schedule.Rule) -> str:
    """When ``rule``'s reminder comes, from its day offset (and its hour, the day before):
    "3 days before", "The evening before", "On the day", "2 days after"."""
    days = rule.day_offset
    if days == -1 and rule.local_time >= EVENING:
        return _("The evening before")
    if days < 0:
        return ngettext("%(num)d day before", "%(num)d days before", -days)
    if days == 0:
        return _("On the day")
    return ngettext("%(num)d day after", "%(num)d days after", days)


def what_phrase(kind: str) -> str:
    """What a reminder of ``kind`` asks for, as the form's list says it (after "when:")."""
    if kind == "unbind":
        return _("unbind banks, payment apps, messengers and two-factor logins")
    if kind == "prepare":
        return _("spend or move the balance, pack your passport and the SIM")
    if kind == "close":
        return _("ask to terminate the contract and for a confirmation")
    if kind == "verify":
        return _("check the number is really closed")
    raise ValueError(f"unknown reminder kind {kind!r}")


def plan_sentences() -> list[str]:
    """One sentence per reminder of :data:`~.schedule.RULES`, in order, in the current locale:
    what the "Remind me" form promises, so it says what the plan does."""
    return [
        # TRANSLATORS: one reminder: when ("3 days before"), then what ("unbind banks...")
        _("%(when)s: %(what)s", when=when_phrase(rule), what=what_phrase(rule.kind))
        for rule in schedule.RULES
    ]
