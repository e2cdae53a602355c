"""One small settings object read from ONDECK_* environment variables."""

import base64
import ipaddress
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///./ondeck.db"


class UnsafeSettings(RuntimeError):
    """Raised when production is configured with a value that would be unsafe."""


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment, with safe defaults."""

    database_url: str = DEFAULT_DATABASE_URL
    env: str = "development"
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    redis_url: str | None = None
    session_dir: Path = Path(".ondeck-sessions")
    busy_alert_minutes: int = 90
    base_url: str = "http://127.0.0.1:8000"
    # reverse proxies whose X-Forwarded-For/-Proto are believed (addresses or CIDRs; none)
    trusted_proxies: tuple[str, ...] = ()
    # webhook receivers may resolve to loopback/private/link-local addresses (None: outside
    # production only; ONDECK_WEBHOOK_ALLOW_PRIVATE=1 or 0 decides)
    webhook_allow_private: bool | None = None
    # Web Push: the VAPID private key (raw P-256, base64url; None: push is off) and the contact
    # push services are given (mailto: or https:)
    vapid_private_key: str | None = field(default_factory=lambda: new_vapid_key())
    vapid_subject: str = "mailto:ondeck@localhost"

    @property
    def private_webhooks(self) -> bool:
        """Whether webhook URLs may point at loopback, private or link-local addresses."""
        if self.webhook_allow_private is None:
            return not self.production
        return self.webhook_allow_private

    @property
    def production(self) -> bool:
        """Whether the app runs with production safety checks (secure cookies)."""
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        """Read ONDECK_* variables; refuse unsafe production values loudly."""
        env = dict(os.environ if environ is None else environ)
        mode = env.get("ONDECK_ENV", "development")
        secret = env.get("ONDECK_SECRET_KEY", "")
        if mode == "production" and len(secret) < 32:
            raise UnsafeSettings("ONDECK_SECRET_KEY must be set (32+ characters) in production")
        return cls(
            database_url=env.get("ONDECK_DATABASE_URL", DEFAULT_DATABASE_URL),
            env=mode,
            secret_key=secret or _dev_secret(env),
            redis_url=env.get("ONDECK_REDIS_URL") or None,
            session_dir=Path(env.get("ONDECK_SESSION_DIR", ".ondeck-sessions")),
            busy_alert_minutes=int(env.get("ONDECK_BUSY_ALERT_MINUTES", "90")),
            base_url=env.get("ONDECK_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
            trusted_proxies=trusted_proxies(env.get("ONDECK_TRUSTED_PROXIES", "")),
            webhook_allow_private=_flag(env.get("ONDECK_WEBHOOK_ALLOW_PRIVATE")),
            vapid_private_key=_vapid_key(env, mode),
            vapid_subject=_vapid_subject(env),
        )


def _flag(text: str | None) -> bool | None:
    """An on/off variable: 1/true/yes or 0/false/no; unset or empty is None."""
    if not text:
        return None
    if text.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if text.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise UnsafeSettings(f"expected 1 or 0, got {text!r}")


def trusted_proxies(text: str) -> tuple[str, ...]:
    """Comma-separated addresses or CIDRs (`10.0.0.5, 10.1.0.0/16`); a typo refuses to start,
    and `*` is refused: trusting every sender would let any client choose its own address."""
    found = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            found.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            raise UnsafeSettings(
                f"ONDECK_TRUSTED_PROXIES: {part!r} is not an IP address or CIDR"
            ) from None
    return tuple(found)


def _dev_secret(env: dict[str, str]) -> str:
    """Outside production without ONDECK_SECRET_KEY: a secret kept in a local file (mode 0600),
    so sign-ins and calendar links survive a restart and every worker shares it."""
    if env.get("ONDECK_DEV_SECRET"):
        return env["ONDECK_DEV_SECRET"]
    path = Path(env.get("ONDECK_SECRET_FILE", ".ondeck-secret"))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _kept_secret(path)
    secret = secrets.token_hex(32)
    with os.fdopen(fd, "w") as f:
        f.write(secret)
    return secret


def _kept_secret(path: Path, size: int = 32) -> str:
    """The secret in `path`, waiting briefly for a process that is writing it right now."""
    for _ in range(40):
        kept = path.read_text().strip()
        if len(kept) >= size:
            return kept
        time.sleep(0.05)
    raise UnsafeSettings(f"{path} holds no usable secret: delete it, or set ONDECK_SECRET_KEY")


def new_vapid_key() -> str:
    """A fresh VAPID private key: a raw P-256 private value, base64url without padding."""
    from cryptography.hazmat.primitives.asymmetric import ec

    value = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return base64.urlsafe_b64encode(value.to_bytes(32, "big")).decode().rstrip("=")


def _vapid_key(env: dict[str, str], mode: str) -> str | None:
    """ONDECK_VAPID_PRIVATE_KEY; outside production without it, a key kept in a local file
    (mode 0600) next to the secret file; in production without it, Web Push is off."""
    key = env.get("ONDECK_VAPID_PRIVATE_KEY", "").strip()
    if key:
        if len(key.rstrip("=")) != 43:
            raise UnsafeSettings("ONDECK_VAPID_PRIVATE_KEY: a raw P-256 key, base64url (43 chars)")
        return key
    if mode == "production":
        return None
    path = Path(env.get("ONDECK_SECRET_FILE", ".ondeck-secret") + "-vapid")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _kept_secret(path, 43)
    key = new_vapid_key()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def _vapid_subject(env: dict[str, str]) -> str:
    """ONDECK_VAPID_SUBJECT: how a push service reaches the operator (mailto: or https:)."""
    subject = env.get("ONDECK_VAPID_SUBJECT", "").strip() or "mailto:ondeck@localhost"
    if not subject.startswith(("mailto:", "https://")):
        raise UnsafeSettings("ONDECK_VAPID_SUBJECT must start with mailto: or https://")
    return subject
