"""Schemathesis hooks for scripts/api-fuzz.sh: authenticate every generated request as one kind
of caller and record what each request got.

The caller comes from the environment that tests/apifuzz/run.mjs sets for each Schemathesis run:

- PUSHAUTH_FUZZ_CALLER: tenant | tenant-hmac | browser | device | mobile | admin | public
- PUSHAUTH_FUZZ_TENANT_ID, PUSHAUTH_FUZZ_SECRET: the tenant (Basic, HMAC, device, mobile)
- PUSHAUTH_FUZZ_BEARER: a track token (browser) or the admin token (admin)
- PUSHAUTH_FUZZ_DEVICE_KEY: the enrolled device key, PKCS#8 PEM (device)
- PUSHAUTH_FUZZ_KNOWN: JSON of identifiers that exist (the enrolled user, its action, challenge,
  Privakey request, authenticator, the mobile key, a tenant for the admin); each generated path,
  query and body is sent as generated or, as often, with those of its fields replaced, so the
  fuzzer reaches the code behind "not found" too
- PUSHAUTH_FUZZ_RECORD: a JSON Lines file, one line per request (caller, operation, status);
  failed checks are read from Schemathesis' JUnit report

Signatures are made as a `requests` auth object, so they cover the exact bytes sent: method,
path and query as sent, and the serialized body (docs/protocol.md §1 and §4, docs/api.md for the
tenant HMAC).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
import threading
import time
from urllib.parse import urlsplit

import requests
import schemathesis
from hypothesis import strategies as st
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

CALLER = os.environ.get("PUSHAUTH_FUZZ_CALLER", "public")
TENANT_ID = os.environ.get("PUSHAUTH_FUZZ_TENANT_ID", "")
SECRET = os.environ.get("PUSHAUTH_FUZZ_SECRET", "")
BEARER = os.environ.get("PUSHAUTH_FUZZ_BEARER", "")
RECORD = os.environ.get("PUSHAUTH_FUZZ_RECORD")
KNOWN: dict[str, str] = json.loads(os.environ.get("PUSHAUTH_FUZZ_KNOWN", "{}"))
_lock = threading.Lock()


def field(value: str | bytes) -> bytes:
    """One field of the canonical encoding (protocol §1): u32 big-endian length, then the bytes."""
    data = value.encode("utf-8") if isinstance(value, str) else value
    return struct.pack(">I", len(data)) + data


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def body_bytes(request: requests.PreparedRequest) -> bytes:
    body = request.body
    if body is None:
        return b""
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def path_and_query(request: requests.PreparedRequest) -> str:
    parts = urlsplit(request.url)
    return parts.path + ("?" + parts.query if parts.query else "")


class DeviceAuth(requests.auth.AuthBase):
    """The three X-PushAuth-* headers over the device request message (protocol §4)."""

    def __init__(self, tenant_id: str, pem: str) -> None:
        self.tenant_id = tenant_id
        self.key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
        spki = self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.key_id = b64url(hashlib.sha256(spki).digest())

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        ts = str(int(time.time() * 1000))
        message = b"".join(
            field(f)
            for f in (
                "pushauth/device-request/v1",
                self.tenant_id,
                self.key_id,
                request.method.upper(),
                path_and_query(request),
                ts,
                b64url(hashlib.sha256(body_bytes(request)).digest()),
            )
        )
        signature = self.key.sign(message, ec.ECDSA(hashes.SHA256()))
        request.headers["X-PushAuth-Key-Id"] = self.key_id
        request.headers["X-PushAuth-Timestamp"] = ts
        request.headers["X-PushAuth-Signature"] = base64.b64encode(signature).decode("ascii")
        return request


class TenantHmacAuth(requests.auth.AuthBase):
    """`Authorization: PUSHAUTH-HMAC-SHA256 tenant=…,ts=…,sig=…` (docs/api.md)."""

    def __init__(self, tenant_id: str, secret: str) -> None:
        self.tenant_id = tenant_id
        self.secret = secret.encode("utf-8")

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        ts = str(int(time.time()))
        message = b"".join(
            field(f)
            for f in (
                "pushauth/server-hmac/v1",
                self.tenant_id,
                request.method.upper(),
                path_and_query(request),
                ts,
                b64url(hashlib.sha256(body_bytes(request)).digest()),
            )
        )
        sig = base64.b64encode(hmac.new(self.secret, message, hashlib.sha256).digest()).decode("ascii")
        request.headers["Authorization"] = f"PUSHAUTH-HMAC-SHA256 tenant={self.tenant_id},ts={ts},sig={sig}"
        return request


class HeaderAuth(requests.auth.AuthBase):
    """A fixed `Authorization` header (Basic for tenants and mobile apps, Bearer otherwise)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self.value
        return request


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")


def make_auth() -> requests.auth.AuthBase | None:
    if CALLER == "tenant":
        return HeaderAuth(basic(SECRET, ""))
    if CALLER == "tenant-hmac":
        return TenantHmacAuth(TENANT_ID, SECRET)
    if CALLER in ("browser", "admin"):
        return HeaderAuth("Bearer " + BEARER)
    if CALLER == "mobile":
        return HeaderAuth(basic(TENANT_ID, ""))
    if CALLER in ("device", "device-delete"):
        return DeviceAuth(TENANT_ID, os.environ["PUSHAUTH_FUZZ_DEVICE_KEY"])
    return None


AUTH = make_auth()


def record(entry: dict) -> None:
    if RECORD is None:
        return
    line = json.dumps(entry, separators=(",", ":")) + "\n"
    with _lock, open(RECORD, "a", encoding="utf-8") as out:
        out.write(line)


def with_known(values):
    """The generated values, or the same with every field that names a known identifier set to it."""
    if not isinstance(values, dict) or not any(k in KNOWN for k in values):
        return st.just(values)
    known = {k: (KNOWN[k] if k in KNOWN else v) for k, v in values.items()}
    return st.sampled_from([values, known])


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    return with_known(path_parameters)


@schemathesis.hook
def flatmap_query(context, query):
    return with_known(query)


@schemathesis.hook
def flatmap_body(context, body):
    return with_known(body)


@schemathesis.hook
def before_call(context, case, kwargs):
    if AUTH is not None:
        kwargs["auth"] = AUTH


@schemathesis.hook
def after_call(context, case, response):
    record({"caller": CALLER, "op": case.operation.label, "status": response.status_code})

