"""Runtime settings, read once from the environment (prefix ``PERMITDB_``) or a ``.env`` file."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")
LogLevel = Literal["debug", "info", "warning", "error"]
LogFormat = Literal["auto", "rich", "json"]


class Settings(BaseSettings):
    """Everything an operator can set. Defaults give the embedded single-machine setup."""

    model_config = SettingsConfigDict(env_prefix="PERMITDB_", env_file=".env", extra="ignore")

    data_dir: Path = Field(DEFAULT_DATA_DIR, description="Where the embedded database lives.")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL. Unset: SQLite at <data_dir>/permitdb.sqlite. "
        "PostgreSQL: postgresql://user@host:5432/db (driver psycopg 3).",
    )
    catalog_dirs: list[Path] = Field(
        default_factory=list,
        description="Extra folders of catalog files, read after the bundled catalog.",
    )
    recordings_dir: Path | None = Field(
        None, description="Folder of recorded portal payloads. Unset: the repository's recordings/."
    )
    secret_key: SecretStr = Field(
        SecretStr("permitdb-local-development-secret"),
        description="Server secret for HMAC-hashing API keys. Set a long random value.",
    )
    socrata_app_token: SecretStr | None = Field(
        None, description="Optional Socrata app token (X-App-Token) for higher rate limits."
    )
    http_timeout_s: float = Field(60.0, gt=0)
    http_max_retries: int = Field(5, ge=0, le=20)
    http_backoff_base_s: float = Field(1.0, ge=0)
    http_backoff_max_s: float = Field(60.0, ge=0)
    export_page_size: int = Field(
        1000,
        ge=1,
        le=1000,
        description="Rows per page an export reads (and holds in memory) at a time.",
    )
    user_agent: str = "permitdb (+https://github.com/permitdb/permitdb)"
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

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _lower_case(cls, value: object) -> object:
        """PERMITDB_LOG_LEVEL=INFO is as good as info (the option takes either too)."""
        return value.lower() if isinstance(value, str) else value

    def resolved_database_url(self) -> str:
        if self.database_url:
            return normalize_database_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'permitdb.sqlite').as_posix()}"


def normalize_database_url(url: str) -> str:
    """Accept the ``postgresql://`` spelling users copy from psql and pick the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
