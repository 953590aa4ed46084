"""Message encryption for Web Push (RFC 8291): the ``aes128gcm`` body of RFC 8188.

The same bytes on the wire as ``pywebpush``'s ``WebPusher.encode`` (through
``http_ece``): a fresh ephemeral P-256 key and a fresh random salt for every
message, one record of size 4096 (a payload is at most 3 KB), the ephemeral
public key as the key id, the ``0x02`` last-record delimiter and no padding.

Written out here because the sender encrypts every message and the library path
costs about twice the cryptography itself: per call it builds HKDF and cipher
objects, and in ``http_ece`` several layers of Python around four HMACs. The two
HKDFs here are one-shot HMAC-SHA-256 calls (every output is at most one hash long,
so an expand is a single HMAC).
"""

from __future__ import annotations

import hmac
import os
import struct

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

#: The record size written in the header: larger than any payload, so one record.
RECORD_SIZE = 4096
_CURVE = ec.SECP256R1()
_ECDH = ec.ECDH()
_X962, _UNCOMPRESSED = serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
_HEADER = struct.Struct("!16sLB65s")  # salt, record size, key id length, key id


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    """HKDF-SHA-256 (RFC 5869) for ``length`` ≤ 32: extract, then one expand block."""
    prk = hmac.digest(salt, ikm, "sha256")
    return hmac.digest(prk, info + b"\x01", "sha256")[:length]


def encrypt(data: bytes, receiver_key: bytes, auth_secret: bytes) -> bytes:
    """The ``aes128gcm`` body of one push message for one subscription.

    :param receiver_key: the subscription's ``p256dh``, decoded (65-byte uncompressed point).
    :param auth_secret: the subscription's ``auth``, decoded (16 bytes).
    :raise ValueError: ``receiver_key`` is not a point on P-256, or ``data`` is too long.
    """
    if len(data) + 1 + 16 > RECORD_SIZE:
        raise ValueError("push message longer than one record")
    receiver = ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, receiver_key)
    ephemeral = ec.generate_private_key(_CURVE)
    sender_key = ephemeral.public_key().public_bytes(_X962, _UNCOMPRESSED)
    shared = ephemeral.exchange(_ECDH, receiver)
    # RFC 8291 §3.3-3.4: the input keying material binds both public keys and the auth secret.
    ikm = _hkdf(auth_secret, shared, b"WebPush: info\x00" + receiver_key + sender_key, 32)
    salt = os.urandom(16)
    prk = hmac.digest(salt, ikm, "sha256")
    cek = hmac.digest(prk, b"Content-Encoding: aes128gcm\x00\x01", "sha256")[:16]
    nonce = hmac.digest(prk, b"Content-Encoding: nonce\x00\x01", "sha256")[:12]
    # The only record is the last one: delimiter 0x02, no padding (RFC 8188 §2).
    ciphertext = AESGCM(cek).encrypt(nonce, data + b"\x02", None)
    return _HEADER.pack(salt, RECORD_SIZE, len(sender_key), sender_key) + ciphertext
