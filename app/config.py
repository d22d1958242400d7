"""Configuration classes. Values come from environment variables; no secret has a default."""

import os
import secrets
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import limits
from sqlalchemy.engine import make_url

from app.domain.errors import DomainError
from app.domain.sessions import SessionLimits
from app.exports.stores import parse_url
from app.models.sealed import cipher, new_key

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
OWNER_ONLY = 0o600


def _instance(instance_dir: Path) -> Path:
    """The instance folder, made readable by its owner only when it is first created."""
    instance_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return instance_dir


def write_owner_only(path: Path, text: str) -> None:
    """Write ``path`` (replacing it) readable by its owner only from the first byte, not chmod-ed afterwards."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
    os.fchmod(fd, OWNER_ONLY)
    with os.fdopen(fd, "w") as file:
        file.write(text)


def create_owner_only(path: Path, text: str = "") -> bool:
    """Create ``path`` holding ``text``, readable by its owner only, unless it exists; True if this call made it.

    Written whole to a private temporary file, then linked into place: two processes starting at once (gunicorn
    workers) agree on one file, and neither reads it half-written.
    """
    if path.exists():
        return False
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "w") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(temporary)


def _embedded_key(instance_dir: Path, name: str, make: Callable[[], str]) -> str:
    """Return the key kept in ``instance/<name>``, creating it on first use (embedded default only)."""
    path = _instance(instance_dir) / name
    create_owner_only(path, make())
    return path.read_text().strip()


def _with_driver(url: str) -> str:
    # Heroku-style URLs name the old driver; psycopg 3 is what we ship.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _database_url(instance_dir: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return _with_driver(url)
    path = _instance(instance_dir) / "highlight.db"
    # An empty file is an empty SQLite database; SQLite gives its -wal and -shm files the same permissions.
    create_owner_only(path)
    return f"sqlite:///{path}"


def app_role(database_uri: str, migration_uri: str | None) -> str | None:
    """The database role the app runs as, when migrations run as another (the owner): DATABASE_APP_ROLE, else the
    user DATABASE_URL signs in as. None when one role does both: nothing is granted then."""
    if not migration_uri:
        return None
    role = os.environ.get("DATABASE_APP_ROLE") or make_url(database_uri).username
    return role if role and role != make_url(migration_uri).username else None


class Config:
    """The embedded default: SQLite in ``instance/`` and a generated key kept there."""

    TESTING = False
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    # Evidence upload limit; the request limit leaves room for form fields and several files' framing.
    EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))
    # clamd for the evidence virus scan: a unix socket path or host:port; empty means no scan.
    CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
    CLAMD_TIMEOUT = float(os.environ.get("CLAMD_TIMEOUT", 60))
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "highlight@example.org")
    # Sign-in throttle: counts kept in the app's own database (shared by every worker and server) unless
    # RATELIMIT_STORAGE_URI names Redis or memcached; strict per account tried, generous per client address.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "database://")
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_ACCOUNT_LIMIT = os.environ.get("SIGN_IN_ACCOUNT_LIMIT", "5 per 15 minutes")
    SIGN_IN_ADDRESS_LIMIT = os.environ.get("SIGN_IN_ADDRESS_LIMIT", "100 per minute")
    # Reverse proxies in front of the app whose X-Forwarded-For is believed (0: the connection's own address).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", 30))
    SESSION_LIFETIME_HOURS = int(os.environ.get("SESSION_LIFETIME_HOURS", 12))
    # Sign-in: local passwords (PASSWORD_SIGN_IN=0 turns them off once single sign-on is set up), a second factor
    # required of admins, leads and sponsors (MFA_REQUIRED=1; on by default in production), and single sign-on
    # with an OpenID Connect provider (Microsoft Entra ID or any other), found from its issuer's discovery document.
    PASSWORD_SIGN_IN = os.environ.get("PASSWORD_SIGN_IN", "1") != "0"
    MFA_REQUIRED = os.environ.get("MFA_REQUIRED", "0") == "1"
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "Microsoft")
    OIDC_CREATE_USERS = os.environ.get("OIDC_CREATE_USERS", "0") == "1"
    COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Example Borough Council")
    # The site's public address, so links in emails are absolute (e.g. https://highlight.example.gov.uk).
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
    # The council's own Word template (.docx): the Word export starts from its styles, headers and footers.
    REPORT_TEMPLATE_DOCX = os.environ.get("REPORT_TEMPLATE_DOCX", "")
    # Days before a board meeting that `flask send-meeting-reminders` reminds owners, the lead and the sponsor.
    REMINDER_DAYS_OWNERS = int(os.environ.get("REMINDER_DAYS_OWNERS", 10))
    REMINDER_DAYS_LEAD = int(os.environ.get("REMINDER_DAYS_LEAD", 5))
    REMINDER_DAYS_SPONSOR = int(os.environ.get("REMINDER_DAYS_SPONSOR", 2))
    # Background jobs: "database" (procrastinate's tables in PostgreSQL, worked by `flask worker`) or "in-process"
    # (in the serving process's memory, worked by a thread of it); empty: "database" on PostgreSQL, else in-process.
    JOB_QUEUE = os.environ.get("JOB_QUEUE", "")
    # The worker's own connections to the queue (job rows, notifications); the jobs' work uses the app's pool.
    WORKER_POOL = int(os.environ.get("WORKER_POOL", 3))
    # host:port the worker command serves its Prometheus metrics on (an internal address); empty: not served.
    WORKER_METRICS_BIND = os.environ.get("WORKER_METRICS_BIND", "")
    # The bearer token a Prometheus scraper sends to /metrics; empty: /metrics is off (404).
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    # Kept Word and PDF files of signed-off reports: in the database (empty) or an S3-compatible bucket,
    # s3://bucket/optional/prefix; EXPORT_STORE_ENDPOINT is the address of a store other than AWS S3 (MinIO, Ceph),
    # and credentials come from the AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION).
    EXPORT_STORE_URL = os.environ.get("EXPORT_STORE_URL", "")
    EXPORT_STORE_ENDPOINT = os.environ.get("EXPORT_STORE_ENDPOINT", "")
    # How long a call to the bucket may take before the store counts as unavailable (the file is then drawn and
    # served without being kept): seconds to connect, seconds waiting for an answer, and tries in all (2: one retry).
    EXPORT_STORE_CONNECT_TIMEOUT = float(os.environ.get("EXPORT_STORE_CONNECT_TIMEOUT", 1))
    EXPORT_STORE_READ_TIMEOUT = float(os.environ.get("EXPORT_STORE_READ_TIMEOUT", 2))
    EXPORT_STORE_ATTEMPTS = int(os.environ.get("EXPORT_STORE_ATTEMPTS", 2))
    # "json" (one JSON object a line, for a log collector) or "text"; production defaults to JSON.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")

    def __init__(self, instance_dir: Path | None = None):
        instance_dir = instance_dir or Path(os.environ.get("HIGHLIGHT_INSTANCE", INSTANCE_DIR))
        self.INSTANCE_DIR = str(instance_dir)  # kept files (secret key, demo password, rendered exports)
        self.SQLALCHEMY_DATABASE_URI = _database_url(instance_dir)
        # The owner that migrates (creates the tables and triggers); the app's own role then owns nothing.
        migration_url = os.environ.get("MIGRATION_DATABASE_URL")
        self.MIGRATION_DATABASE_URI = _with_driver(migration_url) if migration_url else None
        self.DATABASE_APP_ROLE = app_role(self.SQLALCHEMY_DATABASE_URI, self.MIGRATION_DATABASE_URI)
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or self._local_key(
            instance_dir, "SECRET_KEY", "every server signs with it", lambda: secrets.token_hex(32)
        )
        # Keys that seal second-factor secrets in the database, newest first, comma-separated: each opens, the
        # first seals (app/models/sealed.py). Kept out of the database, so a copy of it makes no one's codes.
        self.TOTP_ENCRYPTION_KEY = os.environ.get("TOTP_ENCRYPTION_KEY") or self._local_key(
            instance_dir, "TOTP_ENCRYPTION_KEY", "every server opens second factors with it", new_key
        )
        self.MAX_CONTENT_LENGTH = self.EVIDENCE_MAX_BYTES * 5 + 1024 * 1024
        self.check()

    def _local_key(self, instance_dir: Path, setting: str, why: str, make: Callable[[], str]) -> str:
        """The key kept in the instance folder (``instance/secret_key``, ``instance/totp_encryption_key``): for the
        embedded database only. Servers sharing a PostgreSQL database must share the key too (every one checks the
        others' session cookies and opens the second factors they sealed), so it is set for all."""
        if self.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
            raise RuntimeError(f"{setting} must be set when the database is PostgreSQL: {why}")
        return _embedded_key(instance_dir, setting.lower(), make)

    @property
    def PERMANENT_SESSION_LIFETIME(self) -> timedelta:  # upper case: Flask reads only upper-case names
        """A signed-in session's cookie lasts as long as the idle timeout, renewed by every request."""
        return timedelta(minutes=self.SESSION_IDLE_MINUTES)

    def check(self) -> None:
        """Raises RuntimeError naming a setting that cannot be used, so a bad value stops start-up."""
        try:
            SessionLimits.from_settings(self.SESSION_IDLE_MINUTES, self.SESSION_LIFETIME_HOURS)
        except DomainError as error:
            raise RuntimeError(error.message) from error
        for name in ("SIGN_IN_ACCOUNT_LIMIT", "SIGN_IN_ADDRESS_LIMIT"):
            try:
                limits.parse(getattr(self, name))
            except ValueError as error:
                raise RuntimeError(f"{name} must read like '5 per 15 minutes', not {getattr(self, name)!r}") from error
        if self.TRUSTED_PROXIES < 0:
            raise RuntimeError("TRUSTED_PROXIES must be 0 or more")
        try:
            cipher(self.TOTP_ENCRYPTION_KEY)
        except ValueError as error:
            raise RuntimeError(str(error)) from None
        if self.JOB_QUEUE not in ("", "database", "in-process"):
            raise RuntimeError(f"JOB_QUEUE must be database or in-process, not {self.JOB_QUEUE!r}")
        if self.JOB_QUEUE == "database" and not self.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
            raise RuntimeError("JOB_QUEUE=database needs PostgreSQL (DATABASE_URL): SQLite keeps jobs in-process")
        if self.LOG_FORMAT not in ("json", "text"):
            raise RuntimeError(f"LOG_FORMAT must be json or text, not {self.LOG_FORMAT!r}")
        if self.EXPORT_STORE_URL:
            try:
                parse_url(self.EXPORT_STORE_URL)
            except ValueError as error:
                raise RuntimeError(str(error)) from error
        for name in ("EXPORT_STORE_CONNECT_TIMEOUT", "EXPORT_STORE_READ_TIMEOUT"):
            if not getattr(self, name) > 0:
                raise RuntimeError(f"{name} must be a number of seconds above 0, not {getattr(self, name)!r}")
        if self.EXPORT_STORE_ATTEMPTS < 1:
            raise RuntimeError(f"EXPORT_STORE_ATTEMPTS must be 1 or more, not {self.EXPORT_STORE_ATTEMPTS!r}")
        if self.REPORT_TEMPLATE_DOCX and not Path(self.REPORT_TEMPLATE_DOCX).is_file():
            raise RuntimeError(f"REPORT_TEMPLATE_DOCX names {self.REPORT_TEMPLATE_DOCX}, which is not a file")
        self.check_sign_in()

    @property
    def OIDC_ENABLED(self) -> bool:
        return bool(self.OIDC_ISSUER)

    def check_sign_in(self) -> None:
        """Raises RuntimeError naming a sign-in setting that cannot be used."""
        oidc = {name: getattr(self, name) for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")}
        missing = [name for name, value in oidc.items() if not value]
        if any(oidc.values()) and missing:
            raise RuntimeError(
                f"Single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: set {missing[0]}"
            )
        if self.OIDC_ISSUER:
            issuer = urlsplit(self.OIDC_ISSUER)
            loopback = issuer.hostname in {"localhost", "127.0.0.1", "::1"}
            if issuer.scheme != "https" and not (issuer.scheme == "http" and loopback):
                raise RuntimeError(f"OIDC_ISSUER must be an https:// address, not {self.OIDC_ISSUER!r}")
        if not self.PASSWORD_SIGN_IN and not self.OIDC_ISSUER:
            raise RuntimeError("PASSWORD_SIGN_IN=0 leaves no way to sign in: set up single sign-on (OIDC_ISSUER) first")


class ProductionConfig(Config):
    """PostgreSQL behind a load balancer: a real SECRET_KEY, TOTP_ENCRYPTION_KEY and DATABASE_URL are required."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    MFA_REQUIRED = os.environ.get("MFA_REQUIRED", "1") == "1"

    def __init__(self, instance_dir: Path | None = None):
        key = os.environ.get("SECRET_KEY", "")
        if len(key) < 32:
            raise RuntimeError("SECRET_KEY must be set to a random value of at least 32 characters in production")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("DATABASE_URL must be set in production")
        if not os.environ.get("TOTP_ENCRYPTION_KEY", "").strip():
            # Every local account may set up an authenticator app, so its secret is sealed in every deployment.
            raise RuntimeError(
                "TOTP_ENCRYPTION_KEY must be set in production: the key that seals second-factor secrets in the "
                "database, a Fernet key (python3 -c 'import base64, os; "
                "print(base64.urlsafe_b64encode(os.urandom(32)).decode())')"
            )
        super().__init__(instance_dir)


class TestConfig(Config):
    """Tests: CSRF off (one test turns it on), rate limits off, database from TEST_DATABASE_URL or a temp file."""

    __test__ = False  # not a pytest class

    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    CLAMD_SOCKET = ""  # tests that scan start their own stand-in clamd
    RATELIMIT_STORAGE_URI = "memory://"

    def __init__(self, database_uri: str, instance_dir: Path, migration_database_uri: str | None = None):
        self.SQLALCHEMY_DATABASE_URI = database_uri
        self.MIGRATION_DATABASE_URI = migration_database_uri
        self.DATABASE_APP_ROLE = app_role(database_uri, migration_database_uri)
        self.SECRET_KEY = "test-" + secrets.token_hex(16)
        self.TOTP_ENCRYPTION_KEY = new_key()
        self.MAX_CONTENT_LENGTH = self.EVIDENCE_MAX_BYTES * 5 + 1024 * 1024
        self.INSTANCE_DIR = str(instance_dir)


def config_from_env() -> Config:
    """Pick the configuration named by HIGHLIGHT_ENV (``production`` or the embedded default)."""
    if os.environ.get("HIGHLIGHT_ENV") == "production":
        return ProductionConfig()
    return Config()
