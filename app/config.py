"""Configuration classes. Values come from environment variables; no secret has a default."""

import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _embedded_secret_key(instance_dir: Path) -> str:
    """Return the key kept in ``instance/secret_key``, creating it on first use (embedded default only)."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(instance_dir: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the old driver; psycopg 3 is what we ship.
        if url.startswith("postgres://"):
            url = "postgresql://" + url.removeprefix("postgres://")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    instance_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{instance_dir / 'highlight.db'}"


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
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "highlight@example.org")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute")
    COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Example Borough Council")
    # The site's public address, so links in emails are absolute (e.g. https://highlight.example.gov.uk).
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
    # The council's own Word template (.docx): the Word export starts from its styles, headers and footers.
    REPORT_TEMPLATE_DOCX = os.environ.get("REPORT_TEMPLATE_DOCX", "")
    # Days before a board meeting that `flask send-meeting-reminders` reminds owners, the lead and the sponsor.
    REMINDER_DAYS_OWNERS = int(os.environ.get("REMINDER_DAYS_OWNERS", 10))
    REMINDER_DAYS_LEAD = int(os.environ.get("REMINDER_DAYS_LEAD", 5))
    REMINDER_DAYS_SPONSOR = int(os.environ.get("REMINDER_DAYS_SPONSOR", 2))

    def __init__(self, instance_dir: Path | None = None):
        instance_dir = instance_dir or Path(os.environ.get("HIGHLIGHT_INSTANCE", INSTANCE_DIR))
        self.INSTANCE_DIR = str(instance_dir)  # kept files (secret key, demo password, rendered exports)
        self.SQLALCHEMY_DATABASE_URI = _database_url(instance_dir)
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _embedded_secret_key(instance_dir)
        self.MAX_CONTENT_LENGTH = self.EVIDENCE_MAX_BYTES * 5 + 1024 * 1024
        if self.REPORT_TEMPLATE_DOCX and not Path(self.REPORT_TEMPLATE_DOCX).is_file():
            raise RuntimeError(f"REPORT_TEMPLATE_DOCX names {self.REPORT_TEMPLATE_DOCX}, which is not a file")


class ProductionConfig(Config):
    """PostgreSQL behind a load balancer: a real SECRET_KEY and DATABASE_URL are required."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    def __init__(self, instance_dir: Path | None = None):
        key = os.environ.get("SECRET_KEY", "")
        if len(key) < 32:
            raise RuntimeError("SECRET_KEY must be set to a random value of at least 32 characters in production")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("DATABASE_URL must be set in production")
        super().__init__(instance_dir)


class TestConfig(Config):
    """Tests: CSRF off (one test turns it on), rate limits off, database from TEST_DATABASE_URL or a temp file."""

    __test__ = False  # not a pytest class

    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False

    def __init__(self, database_uri: str, instance_dir: Path):
        self.SQLALCHEMY_DATABASE_URI = database_uri
        self.SECRET_KEY = "test-" + secrets.token_hex(16)
        self.MAX_CONTENT_LENGTH = self.EVIDENCE_MAX_BYTES * 5 + 1024 * 1024
        self.INSTANCE_DIR = str(instance_dir)


def config_from_env() -> Config:
    """Pick the configuration named by HIGHLIGHT_ENV (``production`` or the embedded default)."""
    if os.environ.get("HIGHLIGHT_ENV") == "production":
        return ProductionConfig()
    return Config()
