"""A Web Push service for tests, on 127.0.0.1 and an ephemeral port.

It checks what a real push service checks, independently of the libraries the
sender uses: the VAPID JWT (RFC 8292: ES256 signature against the ``k=`` key,
``aud`` = this origin, ``exp`` in the next 24 hours, ``sub`` present), the
``TTL`` header, and the ``aes128gcm`` body, which it decrypts (RFC 8291, written
out below) with the subscription keys the test generated. Delivered messages
are recorded; each subscription can be scripted to answer 201, 410, 429 with
``Retry-After``, 500, or to answer slowly.

Use it as a context manager, or ``start()``/``stop()``.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

#: Longest scripted delay, so a test can never hang on the service.
MAX_DELAY = 30.0


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def decrypt_aes128gcm(body: bytes, private_key: ec.EllipticCurvePrivateKey, auth: bytes) -> bytes:
    """Decrypt one RFC 8291 message (a single record, as Web Push payloads are)."""
    salt, rs, idlen = body[:16], int.from_bytes(body[16:20], "big"), body[20]
    sender_public = body[21 : 21 + idlen]
    ciphertext = body[21 + idlen :]
    if idlen != 65 or len(ciphertext) > rs:
        raise ValueError("unexpected aes128gcm header")
    as_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_public)
    ua_public = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    ecdh = private_key.exchange(ec.ECDH(), as_key)
    ikm = _hkdf(auth, ecdh, b"WebPush: info\x00" + ua_public + sender_public, 32)
    cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    padded = AESGCM(cek).decrypt(nonce, ciphertext, None)
    unpadded = padded.rstrip(b"\x00")
    if not unpadded.endswith(b"\x02"):  # the last record's delimiter
        raise ValueError("bad padding delimiter")
    return unpadded[:-1]


def verify_vapid(header: str, origin: str, now: float) -> tuple[str, dict]:
    """Check an ``Authorization: vapid t=…,k=…`` header; return (k, claims).

    ``ValueError`` if bad.
    """
    scheme, _, params = header.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError(f"scheme {scheme!r}")
    parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
    token, key = parts.get("t", ""), parts.get("k", "")
    head, claims_b64, signature = token.split(".")
    if json.loads(b64url_decode(head)).get("alg") != "ES256":
        raise ValueError("alg is not ES256")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
    raw = b64url_decode(signature)
    if len(raw) != 64:
        raise ValueError("signature is not 64 bytes")
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, f"{head}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as e:
        raise ValueError("bad signature") from e
    claims = json.loads(b64url_decode(claims_b64))
    if claims.get("aud") != origin:
        raise ValueError(f"aud {claims.get('aud')!r} is not {origin!r}")
    if not now < claims.get("exp", 0) <= now + 24 * 3600:
        raise ValueError("exp not within the next 24 hours")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https://")):
        raise ValueError("sub missing or not mailto:/https:")
    return key, claims


@dataclass(frozen=True)
class Answer:
    """A scripted response: status, optional ``Retry-After``, optional delay before answering."""

    status: int = 201
    retry_after: str | None = None
    delay: float = 0.0


@dataclass
class Message:
    """One request the service accepted for checking (delivered or not, by ``status``)."""

    subscription: str
    status: int
    #: Request headers, names lower-cased.
    headers: dict
    payload: dict | None
    vapid_key: str


@dataclass
class _Subscriber:
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    script: list[Answer] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real push service
    server: _Server

    def log_message(self, format, *args):  # quiet
        pass

    def _reply(self, status: int, retry_after: str | None = None) -> None:
        self.send_response(status)
        if retry_after is not None:
            self.send_header("Retry-After", retry_after)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        service = self.server.service
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        sub_id = self.path.rsplit("/", 1)[-1]
        subscriber = service.subscribers.get(sub_id)
        if not self.path.startswith("/push/") or subscriber is None:
            return self._reply(404)
        try:
            key, _ = verify_vapid(
                self.headers.get("Authorization", ""), service.origin, time.time()
            )
            if self.headers.get("Content-Encoding") != "aes128gcm":
                raise ValueError("Content-Encoding is not aes128gcm")
            if not self.headers.get("TTL", "").isdigit():
                raise ValueError("TTL header missing")
            payload = json.loads(decrypt_aes128gcm(body, subscriber.private_key, subscriber.auth))
        except (ValueError, KeyError) as e:
            service.rejected.append(f"{sub_id}: {e}")
            return self._reply(400 if "TTL" in str(e) or "Encoding" in str(e) else 403)
        answer = service.next_answer(sub_id)
        if answer.delay:
            time.sleep(min(answer.delay, MAX_DELAY))
        headers = {name.lower(): value for name, value in self.headers.items()}
        service.record(Message(sub_id, answer.status, headers, payload, key))
        self._reply(answer.status, answer.retry_after)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default listen backlog is 5: with two senders opening 64 connections each,
    # the kernel drops SYNs, the client resends them a second later, and a 1 s timeout fires.
    request_queue_size = 512
    service: PushService


class PushService:
    """The loopback push service; see the module docstring."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.service = self
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.subscribers: dict[str, _Subscriber] = {}
        self.messages: list[Message] = []
        self.rejected: list[str] = []

    def start(self) -> PushService:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> PushService:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def reset(self) -> None:
        with self._lock:
            self.subscribers.clear()
            self.messages.clear()
            self.rejected.clear()

    def subscribe(self) -> dict:
        """A new subscription, as ``PushSubscription.toJSON()`` gives it to the page."""
        sub_id = b64url(os.urandom(12))
        private_key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        with self._lock:
            self.subscribers[sub_id] = _Subscriber(private_key, auth)
        public = private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{self.origin}/push/{sub_id}",
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(auth)},
        }

    @staticmethod
    def sub_id(subscription: dict) -> str:
        return subscription["endpoint"].rsplit("/", 1)[-1]

    def script(self, subscription: dict, *answers: Answer | int) -> None:
        """Answer the next requests for ``subscription`` so; then 201."""
        with self._lock:
            self.subscribers[self.sub_id(subscription)].script.extend(
                a if isinstance(a, Answer) else Answer(a) for a in answers
            )

    def next_answer(self, sub_id: str) -> Answer:
        with self._lock:
            script = self.subscribers[sub_id].script
            return script.pop(0) if script else Answer(201)

    def record(self, message: Message) -> None:
        with self._lock:
            if message.subscription in self.subscribers:  # not a late answer from before reset()
                self.messages.append(message)

    def delivered(self, subscription: dict | None = None) -> list[Message]:
        """Messages answered 201, optionally for one subscription only."""
        with self._lock:
            return [
                m
                for m in self.messages
                if m.status in (201, 202)
                and (subscription is None or m.subscription == self.sub_id(subscription))
            ]
