"""The VAPID key pair (RFC 8292) that signs every push request.

The private key comes from configuration (``VAPID_PRIVATE_KEY``: PEM, or the
raw 32-byte scalar in base64url) or, failing that, from a file in the instance
folder, created on first use with mode 0600. It is never served and never
logged: :class:`VapidKey` leaves it out of its ``repr``.

The public key is what browsers pass to ``pushManager.subscribe()`` as
``applicationServerKey``: the uncompressed P-256 point, base64url without padding.
"""

from __future__ import annotations

import base64
import contextlib
import os
import time
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

KEY_FILE = "vapid_private_key.pem"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class VapidKey:
    """A VAPID signing key; ``repr`` and ``str`` show only the public half."""

    private: ec.EllipticCurvePrivateKey = field(repr=False)
    public: str

    @classmethod
    def from_private(cls, private: ec.EllipticCurvePrivateKey) -> VapidKey:
        point = private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return cls(private, b64url(point))

    def authorization(self, *, audience: str, subject: str, expires: int) -> str:
        """The ``Authorization: vapid t=…,k=…`` header value for one push service origin."""
        claims = {"aud": audience, "exp": expires, "sub": subject}
        return Vapid02(self.private).sign(claims)["Authorization"]


def parse_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key from PEM text or a base64url raw scalar.

    :raise ValueError: anything else (the message never contains the key).
    """
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
    else:
        try:
            raw = b64url_decode(text)
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise ValueError("VAPID_PRIVATE_KEY is neither PEM nor a base64url 32-byte P-256 key")
        key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("VAPID_PRIVATE_KEY is not a P-256 (prime256v1) key")
    return key


def _create_key_file(path: str) -> None:
    """Write a new key to ``path`` atomically, 0600 from the start; keep a key another process
    wrote."""
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = f"{path}.{os.getpid()}.{time.monotonic_ns()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):  # the first writer wins
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def load(*, configured: str | None, instance_path: str) -> VapidKey:
    """The configured key, else the instance folder's key file (created if missing)."""
    if configured:
        return VapidKey.from_private(parse_private_key(configured))
    path = os.path.join(instance_path, KEY_FILE)
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        _create_key_file(path)
    if os.stat(path).st_mode & 0o077:
        os.chmod(path, 0o600)
    with open(path, encoding="ascii") as f:
        return VapidKey.from_private(parse_private_key(f.read()))
