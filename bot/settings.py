"""The one settings object: read from the environment and ``.env``, validated at start.

Nothing else in the project reads ``os.environ``. Secrets are ``SecretStr`` so they never
print in logs or reprs. Every setting is documented in ``.env.example``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from scoring import ScoringSettings, Targets

__all__ = ["Settings", "SettingsError", "load_settings"]


class SettingsError(Exception):
    """Settings that failed validation; the message names each bad value."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    # --- storage -------------------------------------------------------------------------
    posyandu_db: Path = Field(
        default=Path("./data/posyandu.db"),
        description="SQLite database file; created on first use.",
    )
    db_busy_timeout_ms: int = Field(default=5000, ge=0, le=600_000)

    # --- logging -------------------------------------------------------------------------
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")

    # --- scoring (domain.md Decisions and targets) ----------------------------------------
    target_k_s: float = Field(default=0.80, gt=0, le=1)
    target_d_s: float = Field(default=0.85, gt=0, le=1)
    target_d_k: float = Field(default=0.60, gt=0, le=1)
    target_n_d: float = Field(default=0.80, gt=0, le=1)
    #: Decision (exactly 8 openings): True counts 8 openings as passing indicator 1.
    eight_openings_pass: bool = True
    #: Decision (rolling window): months in the stratum window.
    stratum_window_months: int = Field(default=12, ge=1, le=24)

    def scoring(self) -> ScoringSettings:
        """The scoring package's settings (targets and Decisions) from these."""
        return ScoringSettings(
            window_months=self.stratum_window_months,
            openings_threshold_inclusive=self.eight_openings_pass,
            targets=Targets(
                k_s=self.target_k_s,
                d_s=self.target_d_s,
                d_k=self.target_d_k,
                n_d=self.target_n_d,
            ),
        )


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; raise :class:`SettingsError` with one line per problem."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # pydantic validates the values
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"]).upper() or "settings"
            lines.append(f"{name}: {err['msg']}")
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None
