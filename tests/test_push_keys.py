"""The VAPID key: created once in the instance folder (0600), or configured; never shown."""

from __future__ import annotations

import logging
import os
import stat
import time

import pytest
from appconfig import app_config
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pushservice import b64url, verify_vapid

from webapp import create_app, push
from webapp.push import keys


def make_app(tmp_path, **config):
    return create_app(app_config(tmp_path, **config))


def test_key_is_created_on_first_use_with_mode_0600(app):
    path = os.path.join(app.instance_path, keys.KEY_FILE)
    assert not os.path.exists(path)
    with app.app_context():
        public = push.vapid_key().public
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(keys.b64url_decode(public)) == 65


def test_key_is_kept_across_restarts(tmp_path):
    first, second = make_app(tmp_path), make_app(tmp_path)
    with first.app_context():
        one = push.vapid_key().public
    with second.app_context():
        assert push.vapid_key().public == one


def test_loose_permissions_are_tightened(app):
    with app.app_context():
        push.vapid_key()
    path = os.path.join(app.instance_path, keys.KEY_FILE)
    os.chmod(path, 0o644)
    keys.load(configured=None, instance_path=app.instance_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def _pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.mark.parametrize("form", ["pem", "raw"])
def test_configured_key_is_used_and_no_file_written(tmp_path, form):
    private = ec.generate_private_key(ec.SECP256R1())
    raw = b64url(private.private_numbers().private_value.to_bytes(32, "big"))
    app = make_app(tmp_path, VAPID_PRIVATE_KEY=_pem(private) if form == "pem" else raw)
    expected = keys.VapidKey.from_private(private).public
    with app.app_context():
        assert push.vapid_key().public == expected
    assert not os.path.exists(os.path.join(app.instance_path, keys.KEY_FILE))
    assert app.test_client().get("/api/push/key").get_json() == {"publicKey": expected}


@pytest.mark.parametrize(
    "value", ["c2VjcmV0", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"]
)
def test_bad_configured_key_fails_without_showing_it(value):
    with pytest.raises(ValueError) as info:
        keys.load(configured=value, instance_path="/nonexistent")
    assert value not in str(info.value)


def test_private_key_never_in_repr_or_settings(tmp_path):
    private = ec.generate_private_key(ec.SECP256R1())
    raw = b64url(private.private_numbers().private_value.to_bytes(32, "big"))
    app = make_app(tmp_path, VAPID_PRIVATE_KEY=raw)
    with app.app_context():
        assert raw not in repr(push.vapid_key()) and raw not in repr(push.settings())


def test_vapid_header_verifies_like_a_push_service_would():
    key = keys.VapidKey.from_private(ec.generate_private_key(ec.SECP256R1()))
    header = key.authorization(
        audience="https://fcm.googleapis.com",
        subject="mailto:ops@simexit.example",
        expires=int(time.time()) + 3600,
    )
    k, claims = verify_vapid(header, "https://fcm.googleapis.com", time.time())
    assert k == key.public and claims["sub"] == "mailto:ops@simexit.example"


@pytest.mark.parametrize("subject", ["ops@simexit.example", "http://simexit.example"])
def test_vapid_subject_must_be_mailto_or_https(tmp_path, subject):
    with pytest.raises(ValueError, match="VAPID_SUBJECT"):
        make_app(tmp_path, VAPID_SUBJECT=subject)


@pytest.mark.parametrize(
    "config, subject",
    [
        ({}, "mailto:reminders@simexit.invalid"),
        ({"PUBLIC_URL": "http://127.0.0.1:5000"}, "mailto:reminders@simexit.invalid"),
        ({"PUBLIC_URL": "https://simexit.example/"}, "https://simexit.example"),
        (
            {
                "PUBLIC_URL": "https://simexit.example",
                "VAPID_SUBJECT": "mailto:ops@simexit.example",
            },
            "mailto:ops@simexit.example",
        ),
    ],
)
def test_vapid_subject_defaults_to_the_sites_https_address(config, subject):
    assert push.read_settings(config).subject == subject


def test_push_services_setting():
    settings = push.read_settings(
        {"PUSH_SERVICES": "https://fcm.googleapis.com, http://127.0.0.1:8123"}
    )
    assert settings.services == ("https://fcm.googleapis.com", "http://127.0.0.1:8123")
    assert settings.allows("http://127.0.0.1:8123/push/x")
    assert not settings.allows("http://127.0.0.1:8124/push/x")


def test_default_push_services_cover_the_browsers():
    settings = push.read_settings({})
    for endpoint in [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/QAbc",
        "https://wns2-par02p.notify.windows.com/w/?token=abc",
    ]:
        assert settings.allows(endpoint), endpoint
    for endpoint in [
        "http://fcm.googleapis.com/x",
        "https://fcm.googleapis.com.evil.example/x",
        "https://notify.windows.com.evil.example/x",
        "https://evilnotify.windows.com/x",
        "https://user@fcm.googleapis.com/x",
        "file:///etc/passwd",
        "fcm.googleapis.com",
    ]:
        assert not settings.allows(endpoint), endpoint


def test_bad_push_service_entry_is_refused():
    with pytest.raises(ValueError, match="PUSH_SERVICES"):
        push.read_settings({"PUSH_SERVICES": "https://fcm.googleapis.com/path"})


def test_key_is_not_logged(app, caplog):
    caplog.set_level(logging.DEBUG)
    with app.app_context():
        key = push.vapid_key()
    pem = _pem(key.private)
    secret = b64url(key.private.private_numbers().private_value.to_bytes(32, "big"))
    assert secret not in caplog.text and pem not in caplog.text
