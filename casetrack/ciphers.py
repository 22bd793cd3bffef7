"""Personal data encrypted at rest (GB/T 22239-2019 数据保密性; GB/T 39786-2021 for the algorithms): an applicant's
身份证号 or 统一社会信用代码 is stored only as an authenticated ciphertext, with the identifier of the key that sealed
it, beside a keyed hash (HMAC) that lets an exact search find it.

The cipher is AES-256-GCM, or SM4-GCM where ``CASETRACK_CIPHER=sm4`` (both through ``cryptography``); the keyed hash
HMAC-SHA256, or HMAC-SM3 with SM4. Keys come from ``CASETRACK_DATA_KEYS`` — ``id:base64``, comma-separated, the
first sealing new values and every one opening the values it sealed — so a new key is added in front, ``flask keys
rotate`` re-seals what the old ones hold, and the old one is then removed. Without it, one key ("k0") is derived
from the secret key, which suits a demo and nothing else. A stored value reads
``ct1:<key id>:<cipher>:<base64 of nonce, ciphertext and tag>``."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hmac import HMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PREFIX = "ct1"
CIPHERS = ("aes-gcm", "sm4")
#: The column a ciphertext belongs to is part of what the tag covers: one copied into another column fails to open.
APPLICANT_ID = b"applicants.id_number"
NONCE_BYTES, TAG_BYTES = 12, 16


class Unreadable(RuntimeError):
    """A stored value names a key the configuration no longer holds, or failed its authentication."""


@dataclass(frozen=True)
class Keys:
    #: key id → 32 bytes of key material, the current one first.
    material: tuple[tuple[str, bytes], ...]
    cipher: str
    lookup: bytes

    @property
    def current(self) -> str:
        return self.material[0][0]

    def of(self, key_id: str) -> bytes:
        for found, material in self.material:
            if found == key_id:
                return material
        raise Unreadable(f"no key {key_id!r} in CASETRACK_DATA_KEYS: add it back to read these values")


@lru_cache(maxsize=64)
def _derive(material: bytes, purpose: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=b"casetrack " + purpose).derive(material)


def parse_keys(configured: str, secret_key: str, cipher: str, lookup_key: str = "") -> Keys:
    """The keys of a configuration; raises ValueError naming what is wrong."""
    if cipher not in CIPHERS:
        raise ValueError(f"CASETRACK_CIPHER={cipher!r} is neither aes-gcm nor sm4")
    material = []
    for part in (p.strip() for p in configured.split(",") if p.strip()):
        key_id, _, encoded = part.partition(":")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError:
            raw = b""
        if not key_id.isalnum() or len(raw) < 16:
            raise ValueError(f"CASETRACK_DATA_KEYS: {key_id or part!r} is not id:base64 of at least 16 bytes")
        material.append((key_id, raw))
    if not material:
        material = [("k0", _derive(secret_key.encode(), b"data key k0"))]
    lookup = base64.b64decode(lookup_key) if lookup_key else _derive(secret_key.encode(), b"lookup key")
    return Keys(tuple(material), cipher, lookup)


@lru_cache(maxsize=8)
def _cached(configured: str, secret_key: str, cipher: str, lookup_key: str) -> Keys:
    return parse_keys(configured, secret_key, cipher, lookup_key)


def keys() -> Keys:
    config = current_app.config
    return _cached(
        config.get("CASETRACK_DATA_KEYS", ""),
        config["SECRET_KEY"],
        config.get("CASETRACK_CIPHER", "aes-gcm"),
        config.get("CASETRACK_LOOKUP_KEY", ""),
    )


@lru_cache(maxsize=16)
def _aes(key: bytes) -> AESGCM:
    return AESGCM(_derive(key, b"aes-gcm"))


def _encrypt(cipher: str, key: bytes, nonce: bytes, plain: bytes, aad: bytes) -> bytes:
    if cipher == "sm4":
        encryptor = Cipher(algorithms.SM4(_derive(key, b"sm4", 16)), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(aad)
        return encryptor.update(plain) + encryptor.finalize() + encryptor.tag
    return _aes(key).encrypt(nonce, plain, aad)


def _decrypt(cipher: str, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    try:
        if cipher == "sm4":
            body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
            decryptor = Cipher(algorithms.SM4(_derive(key, b"sm4", 16)), modes.GCM(nonce, tag)).decryptor()
            decryptor.authenticate_additional_data(aad)
            return decryptor.update(body) + decryptor.finalize()
        return _aes(key).decrypt(nonce, sealed, aad)
    except InvalidTag as error:
        raise Unreadable(
            "a stored value failed its authentication: it was changed, or sealed under another key"
        ) from error


def seal(plain: str, aad: bytes = APPLICANT_ID, with_keys: Keys | None = None) -> str:
    found = with_keys or keys()
    nonce = os.urandom(NONCE_BYTES)
    sealed = _encrypt(found.cipher, found.of(found.current), nonce, plain.encode(), aad)
    body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"{PREFIX}:{found.current}:{found.cipher}:{body}"


def unseal(stored: str, aad: bytes = APPLICANT_ID, with_keys: Keys | None = None) -> str:
    found = with_keys or keys()
    prefix, key_id, cipher, body = stored.split(":", 3)
    if prefix != PREFIX or cipher not in CIPHERS:
        raise Unreadable(f"not a sealed value ({prefix}:{cipher})")
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    return _decrypt(cipher, found.of(key_id), raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad).decode()


def key_id_of(stored: str) -> str:
    return stored.split(":", 2)[1]


def needs_resealing(stored: str, with_keys: Keys | None = None) -> bool:
    found = with_keys or keys()
    _, key_id, cipher, _ = stored.split(":", 3)
    return key_id != found.current or cipher != found.cipher


def digest(plain: str, with_keys: Keys | None = None) -> str:
    """The keyed hash an exact search compares: equal identifiers, equal digests; nothing to read back."""
    found = with_keys or keys()
    mac = HMAC(found.lookup, hashes.SM3() if found.cipher == "sm4" else hashes.SHA256())
    mac.update(plain.encode())
    return mac.finalize().hex()
