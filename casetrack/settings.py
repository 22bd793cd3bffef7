"""Configuration: defaults here, overridden by ``CASETRACK_*`` environment variables.

A value's type is taken from its default, so ``CASETRACK_LOGIN_MAX_FAILURES=3`` becomes an int and
``CASETRACK_HTTPS=1`` a bool.  ``config/*.env`` holds example environments; load one with your
process manager (systemd ``EnvironmentFile=``) or ``set -a; . config/production.env; set +a``.
"""

from __future__ import annotations

import os
import secrets
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENV_PREFIX = "CASETRACK_"

DEFAULTS: dict[str, object] = {
    "ENV": "development",
    #: SQLAlchemy URL; empty means a SQLite file in the instance folder.
    "DATABASE_URL": "",
    #: A PostgreSQL streaming replica of DATABASE_URL for the pages that only read (casetrack.replica); empty: none.
    "DATABASE_REPLICA_URL": "",
    #: A replica further behind than this is not read; one behind by at least NOTICE seconds is read with a notice.
    "REPLICA_MAX_LAG_SECONDS": 30,
    "REPLICA_NOTICE_SECONDS": 5,
    #: Someone who has just written reads the primary for this long, so they see their own change.
    "REPLICA_STICKY_SECONDS": 60,
    #: Celery broker; also used for the login throttle and job locks. Empty disables both (in-process fallbacks).
    "BROKER_URL": "",
    "RESULT_BACKEND": "",
    #: Every Redis key this deployment writes (queues, results, locks, login counters) starts with this, so two
    #: deployments — or two test runs — can share one Redis without touching each other's keys.
    "REDIS_KEY_PREFIX": "casetrack:",
    "SECRET_KEY": "",
    #: Set behind HTTPS so the session cookie is only sent encrypted and browsers are told (Strict-Transport-Security)
    #: never to use plain HTTP for this site again.
    "HTTPS": False,
    #: How many reverse proxies (nginx, a load balancer) stand in front of gunicorn. Each appends the address it
    #: saw to X-Forwarded-For; the app trusts exactly that many, so the login throttle and the audit trail see the
    #: person's address rather than the proxy's — and a client cannot forge one by sending the header itself.
    "PROXY_HOPS": 0,
    "SMTP_HOST": "127.0.0.1",
    "SMTP_PORT": 25,
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_SENDER": "casetrack@localhost",
    "SMTP_STARTTLS": False,
    "SMTP_TIMEOUT": 30,
    #: Seconds a group robot (DingTalk, 企业微信) has to answer a summary before the copy is left for an administrator.
    "WEBHOOK_TIMEOUT": 15,
    #: A Fernet key (base64, 32 bytes) for the secrets kept in the database (casetrack.sealed); empty: derived from
    #: SECRET_KEY, so changing that one means entering the group robots' webhooks again.
    "SEALING_KEY": "",
    #: Where people reach the app: links in e-mails point here.
    "BASE_URL": "http://127.0.0.1:5000",
    "DEFAULT_LOCALE": "zh_Hans_CN",
    #: The district's zone: every stored instant (kept in UTC) is shown in it, and "today" is its calendar day.
    "TIMEZONE": "Asia/Shanghai",
    #: A font file with Chinese glyphs for the Word report's charts; empty: the first of the usual Debian and
    #: Fedora places that exists (casetrack.reports.documents.CJK_FONT_CANDIDATES, e.g. fonts-noto-cjk).
    "CHART_FONT": "",
    #: The earliest day the register takes for anything that happened (casetrack.dates): a case received on
    #: 1900-01-01 is a typing slip. YYYY-MM-DD.
    "EARLIEST_DATE": "1990-01-01",
    "PER_PAGE": 50,
    #: A cap on rows one "export what I see" writes, so a careless click cannot build a million-row workbook.
    "EXPORT_MAX_ROWS": 100_000,
    #: Largest ledger file accepted, uploaded (Flask's MAX_CONTENT_LENGTH) or given to `flask ledger import`.
    "IMPORT_MAX_BYTES": 50 * 1024 * 1024,
    #: Rows below the header and columns one imported sheet may span, checked before its cells are read: a
    #: sheet's area is held in memory whole, so a tiny file with one cell at XFD1048576 would need 549 GB.
    "IMPORT_MAX_ROWS": 200_000,
    "IMPORT_MAX_COLUMNS": 64,
    #: A ledger file at least this large is checked and imported by the worker, the uploader watching its progress,
    #: instead of inside the request (about 15,000 case rows; a request that long risks gunicorn's timeout).
    "IMPORT_BACKGROUND_BYTES": 1024 * 1024,
    #: Unpacked sizes an .xlsx's zip may declare, checked before anything is unpacked: its shared strings (the text
    #: of its cells, held in memory whole while it is read) and each other part (a sheet's XML, the styles…). An
    #: export of 200,000 cases has a 170 MB sheet; a zip bomb of a few KB declares gigabytes.
    "IMPORT_MAX_SHARED_STRINGS_BYTES": 256 * 1024 * 1024,
    "IMPORT_MAX_PART_BYTES": 512 * 1024 * 1024,
    #: An uploaded ledger waits this long for its confirmation; older uploads are deleted at the next upload.
    "IMPORT_UPLOAD_MAX_AGE_SECONDS": 24 * 3600,
    #: Where the case files' documents are kept (content-addressed); empty: ``instance/documents``.
    "DOCUMENTS_ROOT": "",
    #: ``module:factory`` of another blob store (documents.storage.BlobStore), called with the app; empty: files
    #: under DOCUMENTS_ROOT.
    "DOCUMENT_STORE": "",
    #: Largest document file, and the largest upload request (several files at once) the web server reads.
    "DOCUMENT_MAX_BYTES": 100 * 1024 * 1024,
    "DOCUMENT_MAX_REQUEST_BYTES": 250 * 1024 * 1024,
    #: The body that issues the standard documents (受理通知书…) and signs them: since the 2023 Administrative
    #: Review Law, the district government.
    "ISSUING_BODY": "区人民政府",
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "LOGIN_LOCKOUT_SECONDS": 15 * 60,
    #: How long "stay logged in" lasts: a remember cookie is a password for this long, so it is kept short.
    "REMEMBER_DAYS": 14,
    #: A session without a request for this many minutes ends (0: never); the security administrator may set
    #: another. Any session also ends 12 hours after its sign-in.
    "SESSION_IDLE_MINUTES": 30,
    #: Roles that sign in with a second factor (TOTP), comma-separated. Empty outside production, so a newcomer
    #: can look around; in production, unless set, the legal bureau and the three administrators.
    "MFA_ROLES": "",
    #: Lifetime of a new API token unless ``users token --expires-days`` says otherwise.
    "API_TOKEN_DAYS": 90,
    #: Days before a statutory deadline that a case counts as "due soon".
    "DEADLINE_WARNING_DAYS": 7,
    #: Reply periods of suggestions that differ from the defaults (suggestions.rules says where each comes from):
    #: ``type=period`` pairs, a period in days or months — ``judicial=30d,procuratorate=2m``.
    "SUGGESTION_REPLY_PERIODS": "",
    #: Leaders' summaries: first retry after this many seconds, doubling each time, for at most this many tries.
    "SUMMARY_RETRY_SECONDS": 300,
    "SUMMARY_MAX_ATTEMPTS": 6,
    #: Personal data at rest (casetrack.ciphers): aes-gcm (AES-256-GCM) or sm4 (SM4-GCM, GB/T 32907).
    "CIPHER": "aes-gcm",
    #: ``id:base64key`` pairs, comma-separated, the first sealing new values; empty: one derived from SECRET_KEY
    #: (a demo only). Add a new key in front, run `flask keys rotate`, then drop the old one.
    "DATA_KEYS": "",
    #: Base64 key of the keyed hash that finds an ID number by exact match; empty: derived from SECRET_KEY.
    "LOOKUP_KEY": "",
    #: Where the nightly backup writes its archives (empty: instance/backups), and how many it keeps. Copy them off
    #: the machine: an archive beside the database it backs up is lost with it.
    "BACKUP_DIR": "",
    "BACKUP_KEEP": 7,
    #: The audit trail's hash chain: sha256, or sm3 (GB/T 32905) where the 密评 asks for the national algorithm.
    #: Each entry names the one it was sealed with, so a change applies to new entries and the old still verify.
    "AUDIT_HASH": "sha256",
    #: Days an audit entry is kept at least; `flask audit purge` refuses younger ones. Never below 180 (网络安全法
    #: Art. 21).
    "AUDIT_RETENTION_DAYS": 180,
}

#: The keys of the personal data too: derived from SECRET_KEY, whoever signs cookies could read every ID number.
PRODUCTION_REQUIRED = ("SECRET_KEY", "DATABASE_URL", "BROKER_URL", "DATA_KEYS", "LOOKUP_KEY")
PRODUCTION_MFA_ROLES = "legal,admin,security,auditor"


class ConfigurationError(RuntimeError):
    pass


def _coerce(default: object, raw: str) -> object:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    return raw


def load_settings(instance_path: str, overrides: dict | None = None) -> dict[str, object]:
    """Return the Flask config mapping for this process, checking what production cannot run without."""
    values = dict(DEFAULTS)
    for key, default in DEFAULTS.items():
        raw = os.environ.get(ENV_PREFIX + key)
        if raw is not None and raw != "":
            try:
                values[key] = _coerce(default, raw)
            except ValueError as exc:
                raise ConfigurationError(f"{ENV_PREFIX}{key}={raw!r} is not a valid {type(default).__name__}") from exc
    values.update(overrides or {})

    if values["ENV"] == "production":
        missing = [ENV_PREFIX + key for key in PRODUCTION_REQUIRED if not values[key]]
        if missing:
            raise ConfigurationError("production needs " + ", ".join(missing))

    try:
        ZoneInfo(str(values["TIMEZONE"]))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(f"{ENV_PREFIX}TIMEZONE={values['TIMEZONE']!r} is not a time zone name") from exc

    try:
        date.fromisoformat(str(values["EARLIEST_DATE"]))
    except ValueError as exc:
        raise ConfigurationError(
            f"{ENV_PREFIX}EARLIEST_DATE={values['EARLIEST_DATE']!r} is not a date (YYYY-MM-DD)"
        ) from exc

    if (
        values["ENV"] == "production"
        and os.environ.get(ENV_PREFIX + "MFA_ROLES") is None
        and "MFA_ROLES" not in (overrides or {})
    ):
        values["MFA_ROLES"] = PRODUCTION_MFA_ROLES
    try:
        from casetrack.ciphers import parse_keys

        parse_keys(str(values["DATA_KEYS"]), "check", str(values["CIPHER"]), str(values["LOOKUP_KEY"]))
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc
    if values["AUDIT_HASH"] not in ("sha256", "sm3"):
        raise ConfigurationError(f"{ENV_PREFIX}AUDIT_HASH={values['AUDIT_HASH']!r} is neither sha256 nor sm3")
    if int(values["AUDIT_RETENTION_DAYS"]) < 180:
        raise ConfigurationError(f"{ENV_PREFIX}AUDIT_RETENTION_DAYS must be at least 180 (网络安全法 Art. 21)")

    instance = Path(instance_path)
    if not values["DATABASE_URL"]:
        instance.mkdir(parents=True, exist_ok=True)
        values["DATABASE_URL"] = f"sqlite:///{instance / 'casetrack.sqlite3'}"
    if not values["SECRET_KEY"]:
        values["SECRET_KEY"] = _instance_secret(instance)

    return {
        **{f"CASETRACK_{k}": v for k, v in values.items()},
        "SECRET_KEY": values["SECRET_KEY"],
        "SQLALCHEMY_DATABASE_URI": _normalise_database_url(str(values["DATABASE_URL"])),
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(str(values["DATABASE_URL"])),
        "SQLALCHEMY_BINDS": _replica_bind(str(values["DATABASE_REPLICA_URL"])),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": values["HTTPS"],
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": values["HTTPS"],
        "REMEMBER_COOKIE_DURATION": timedelta(days=values["REMEMBER_DAYS"]),
        "PREFERRED_URL_SCHEME": "https" if values["HTTPS"] else "http",
        "MAX_CONTENT_LENGTH": values["IMPORT_MAX_BYTES"],
        "BABEL_DEFAULT_LOCALE": values["DEFAULT_LOCALE"],
        "BABEL_DEFAULT_TIMEZONE": values["TIMEZONE"],
        "WTF_CSRF_TIME_LIMIT": None,
        "CELERY": _celery_config(values),
    }


def _engine_options(url: str) -> dict:
    options: dict = {"pool_pre_ping": True}
    if url.startswith(("postgres", "postgresql")):
        # psycopg prepares a statement after five runs and PostgreSQL may then pick a generic plan; for
        # LIKE '%…%' searches that plan scans every case (measured: 8.6 s against 9 ms with the trigram index).
        # JIT compiles a query whose estimated cost is high, and the figures' correlated subqueries estimate high
        # however few rows they read: a week's case counts spent 849 of 967 ms compiling (EXPLAIN ANALYZE at 1M
        # cases). Nothing here runs long enough for compiled code to pay back.
        options["connect_args"] = {"prepare_threshold": None, "options": "-c jit=off"}
    return options


def _replica_bind(url: str) -> dict:
    if not url:
        return {}
    return {"replica": {"url": _normalise_database_url(url), **_engine_options(url)}}


def _normalise_database_url(url: str) -> str:
    # psycopg 3 is the driver we ship; a plain postgresql:// URL would make SQLAlchemy look for psycopg2.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _instance_secret(instance: Path) -> str:
    # A development secret that survives restarts, so a newcomer is not logged out by every reload.
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _celery_config(values: dict) -> dict:
    broker = values["BROKER_URL"]
    return {
        "broker_url": broker or "memory://",
        "result_backend": values["RESULT_BACKEND"] or (broker or "cache+memory://"),
        "task_ignore_result": False,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "timezone": values["TIMEZONE"],
        "enable_utc": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        # Redis hands an unacknowledged task to a second worker after this long; a retry waiting longer than that
        # (the leaders' summaries back off up to 160 min) would run twice. Above every countdown we use.
        "broker_transport_options": {"visibility_timeout": 6 * 3600, "global_keyprefix": values["REDIS_KEY_PREFIX"]},
        "result_backend_transport_options": {"global_keyprefix": values["REDIS_KEY_PREFIX"]},
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        # Without a broker (a newcomer's laptop) tasks run inline so nothing waits on a worker that is not there.
        "task_always_eager": not broker,
        "task_eager_propagates": True,
    }
