"""Runtime settings, read once from the environment (prefix ``PERMITDB_``) or a ``.env`` file.

docs/configuration.md is generated from this class (``python -m permitdb.settings_docs``), so
every field's description is what an operator reads: say what it does and what to set.
"""

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Final

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from permitdb.log_context import LogFormat, LogLevel

DEFAULT_DATA_DIR = Path("data")
# Inside the package, so a wheel install finds them (in a checkout: a symlink to recordings/).
BUNDLED_RECORDINGS_DIR = Path(__file__).resolve().parent / "recordings"
# Public by being in the source: 'permitdb serve' refuses it beyond localhost.
DEFAULT_SECRET_KEY: Final = "permitdb-local-development-secret"  # noqa: S105
SUPPORTED_DATABASES: Final = (
    "sqlite:///path/to/permitdb.sqlite or postgresql://user:password@host:5432/database"
)


class SettingsError(Exception):
    """A setting has a value permitdb cannot use; the message names it and what to set."""


@dataclass(frozen=True, slots=True)
class SigningSecrets:
    """The secret new hashes and cursors are made with, and earlier ones still accepted."""

    current: str = field(repr=False)
    previous: tuple[str, ...] = field(default=(), repr=False)

    def all(self) -> tuple[str, ...]:
        return (self.current, *self.previous)


def _split_list(value: Any, separator: str) -> Any:
    """A JSON list as pydantic-settings reads lists, or plain ``separator``-separated text."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not a valid JSON list ({exc.msg} at character {exc.pos})") from None
    return [part.strip() for part in text.split(separator) if part.strip()]


class Settings(BaseSettings):
    """Everything an operator can set. Defaults give the embedded single-machine setup."""

    model_config = SettingsConfigDict(env_prefix="PERMITDB_", env_file=".env", extra="ignore")

    data_dir: Path = Field(DEFAULT_DATA_DIR, description="Where the embedded database lives.")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL. Unset: SQLite at <data_dir>/permitdb.sqlite. "
        "PostgreSQL: postgresql://user@host:5432/db (driver psycopg 3).",
    )
    demo_database_url: str | None = Field(
        None,
        description="Database of the demo and of every --from-recordings ingest, kept apart "
        "from the live one so recorded cursors never steer a live sync. Unset: SQLite at "
        "<data_dir>/demo.sqlite.",
    )
    catalog_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Extra folders of catalog files, read after the bundled catalog: "
        f"folders separated by '{os.pathsep}' (like PATH), or a JSON list.",
    )
    recordings_dir: Path | None = Field(
        None,
        description="Folder of recorded portal payloads (--from-recordings, the demo). Unset: "
        "the recordings bundled with permitdb.",
    )
    secret_key: SecretStr = Field(
        SecretStr(DEFAULT_SECRET_KEY),
        description="Server secret that API keys are stored (HMAC-hashed) and page cursors "
        "signed with. Set a long random value (python -c 'import secrets; "
        "print(secrets.token_urlsafe(32))'); 'permitdb serve' refuses the built-in default "
        "on any interface but localhost.",
    )
    previous_secret_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Secrets used before PERMITDB_SECRET_KEY, comma-separated or a JSON list. "
        "To rotate: move the old secret here and set a new PERMITDB_SECRET_KEY. Existing API "
        "keys and cursors keep working; each key is re-hashed under the new secret on its "
        "first use. Remove an old secret once every key has been used since the rotation.",
    )
    socrata_app_token: SecretStr | None = Field(
        None, description="Optional Socrata app token (X-App-Token) for higher rate limits."
    )
    http_timeout_s: float = Field(
        60.0, gt=0, description="Seconds to wait for a portal's response before retrying."
    )
    http_max_retries: int = Field(
        5,
        ge=0,
        le=20,
        description="Retries of a failed portal request (429, 5xx, timeouts) before the "
        "dataset's sync fails.",
    )
    http_backoff_base_s: float = Field(
        1.0, ge=0, description="First retry delay in seconds; it doubles each retry (jittered)."
    )
    http_backoff_max_s: float = Field(
        60.0, ge=0, description="Longest delay between two retries, in seconds."
    )
    serve_owner_names: bool = Field(
        False,
        description="Serve parcel owner names (person-level data) in /v1/parcels and let "
        "owner= filter on them. Off: owner_name is null and owner= is refused.",
    )
    export_page_size: int = Field(
        1000,
        ge=1,
        le=1000,
        description="Rows per page an export reads (and holds in memory) at a time.",
    )
    user_agent: str = Field(
        "permitdb (+https://github.com/permitdb/permitdb)",
        description="User-Agent sent to portals; add a contact so a portal's operator can "
        "reach you.",
    )
    log_level: LogLevel | None = Field(
        None,
        description="Log level (--log-level wins). Unset: info for serve and demo, warning for "
        "the other commands.",
    )
    log_format: LogFormat = Field(
        "auto",
        description="Log lines on stderr: rich (for a terminal), json (one object a line, for "
        "log shippers), or auto: rich when stderr is a terminal, else json.",
    )

    @field_validator("catalog_dirs", mode="before")
    @classmethod
    def _path_list(cls, value: Any) -> Any:
        return _split_list(value, os.pathsep)

    @field_validator("previous_secret_keys", mode="before")
    @classmethod
    def _secret_list(cls, value: Any) -> Any:
        return _split_list(value, ",")

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _lower_case(cls, value: object) -> object:
        """PERMITDB_LOG_LEVEL=INFO is as good as info (the option takes either too)."""
        return value.lower() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            backend = make_url(normalize_database_url(value)).get_backend_name()
        except ArgumentError:
            raise ValueError(f"not a database URL; use {SUPPORTED_DATABASES}") from None
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(
                f"{backend} is not supported; permitdb runs on SQLite or PostgreSQL: "
                f"use {SUPPORTED_DATABASES}"
            )
        return value

    @property
    def uses_default_secret(self) -> bool:
        return self.secret_key.get_secret_value() == DEFAULT_SECRET_KEY

    def signing_secrets(self) -> SigningSecrets:
        previous = tuple(secret.get_secret_value() for secret in self.previous_secret_keys)
        return SigningSecrets(self.secret_key.get_secret_value(), previous)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return normalize_database_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'permitdb.sqlite').as_posix()}"

    def resolved_demo_database_url(self) -> str:
        if self.demo_database_url:
            return normalize_database_url(self.demo_database_url)
        return f"sqlite:///{(self.data_dir / 'demo.sqlite').as_posix()}"

    def resolved_recordings_dir(self) -> Path:
        return self.recordings_dir or BUNDLED_RECORDINGS_DIR


def normalize_database_url(url: str) -> str:
    """Accept the ``postgresql://`` spelling users copy from psql and pick the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def one_line(error: ValidationError) -> str:
    """Every problem as ``PERMITDB_<NAME>: what is wrong``, without echoing the values (a
    secret or a password in a URL must not reach a terminal or a log)."""
    problems = []
    for problem in error.errors(include_url=False, include_input=False):
        name = str(problem["loc"][0]) if problem["loc"] else ""
        message = str(problem["msg"]).removeprefix("Value error, ")
        problems.append(f"PERMITDB_{name.upper()}: {message}")
    return "; ".join(problems) + " (fix the environment variable or .env entry)"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings; raises :class:`SettingsError` with a one-line message for a bad value."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(one_line(exc)) from None
