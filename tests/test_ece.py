"""Message encryption (webapp.push.ece) against two independent decryptions.

``http_ece`` (the library pywebpush encrypts with) and the loopback push service's own
RFC 8291 code must both read what ``ece.encrypt`` writes, with the same layout as
``pywebpush.WebPusher.encode``.
"""

from __future__ import annotations

import os

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pushservice import decrypt_aes128gcm
from pywebpush import WebPusher

from webapp.push import ece, keys


@pytest.fixture
def subscriber():
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(serialization.Encoding.X962,
                                               serialization.PublicFormat.UncompressedPoint)
    return private, public, os.urandom(16)


@pytest.mark.parametrize("data", [b"x", b'{"web_push":8030}', os.urandom(3 * 1024)])
def test_both_decryptions_read_the_message(subscriber, data):
    private, public, auth = subscriber
    body = ece.encrypt(data, public, auth)
    assert decrypt_aes128gcm(body, private, auth) == data
    assert http_ece.decrypt(body, private_key=private, auth_secret=auth,
                            version="aes128gcm") == data


def test_layout_is_pywebpush_s(subscriber):
    _, public, auth = subscriber
    data = b"a reminder" * 50
    ours = ece.encrypt(data, public, auth)
    theirs = WebPusher({"endpoint": "https://push.example/x",
                        "keys": {"p256dh": keys.b64url(public), "auth": keys.b64url(auth)}}
                       ).encode(data)["body"]
    assert len(ours) == len(theirs)
    assert ours[16:21] == theirs[16:21] == (4096).to_bytes(4, "big") + bytes([65])
    assert ours[21] == theirs[21] == 4  # the key id is an uncompressed P-256 point


def test_every_message_has_a_fresh_salt_and_key(subscriber):
    _, public, auth = subscriber
    first, second = (ece.encrypt(b"same", public, auth) for _ in range(2))
    assert first[:16] != second[:16]
    assert first[21:86] != second[21:86]


def test_a_key_off_the_curve_is_refused(subscriber):
    _, public, auth = subscriber
    with pytest.raises(ValueError):
        ece.encrypt(b"x", public[:-1] + bytes([public[-1] ^ 1]), auth)
