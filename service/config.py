"""Settings shared by the CLI, the HTTP API, the batch runner and the eval harness.

Read from environment variables prefixed `RASHOMON_`, an optional `rashomon.toml`-free
`.env` file, or passed explicitly. Nothing is read at import time: call `get_settings()`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.errors import ConfigError

BackendName = Literal["embedded", "openai", "fake"]
StructuredMode = Literal["auto", "json_schema", "json_object_schema", "json_object"]


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "rashomon"


# The source checkout this package runs from: the defaults of the data paths below (an
# installed wheel has no seeds/ or evals/ beside it; set the paths then).
CHECKOUT_DIR = Path(__file__).resolve().parents[1]
CHECKOUT_SEEDS_DIR = CHECKOUT_DIR / "seeds"
CHECKOUT_EVALS_DIR = CHECKOUT_DIR / "evals"
CHECKOUT_DATASETS_DIR = CHECKOUT_DIR.parent / "shared" / "datasets"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RASHOMON_", env_file=".env", extra="ignore", validate_default=True
    )

    # --- backend selection -------------------------------------------------------------
    backend: BackendName = Field(
        "embedded",
        description="embedded (local llama.cpp, no key/network), openai (any OpenAI-compatible "
        "server: set base_url/model/api_key), or fake (tests).",
    )
    base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (Ollama)."
    )
    model: str | None = Field(None, description="Model name sent to the server.")
    api_key: SecretStr | None = Field(None, description="API key for the openai backend.")
    structured_mode: StructuredMode = Field(
        "auto",
        description="How to ask for JSON: json_schema (OpenAI structured outputs), "
        "json_object_schema (llama.cpp server), json_object (schema in the prompt only). "
        "auto picks json_schema for api.openai.com and json_object_schema otherwise.",
    )

    fake_latency_s: float = Field(
        0.0, ge=0, description="Delay per call of the fake backend (load tests, demos)."
    )

    # --- embedded model ------------------------------------------------------------------
    model_path: Path | None = Field(
        None, description="A GGUF file to serve instead of the bundled Qwen2.5-Coder-1.5B."
    )
    embedded_ctx: int = Field(8192, ge=2048, description="Context window of the embedded model.")
    embedded_threads: int | None = Field(None, description="CPU threads (default: all cores).")
    embedded_start_timeout_s: float = Field(180.0, gt=0)

    # --- transport -----------------------------------------------------------------------
    request_timeout_s: float = Field(300.0, gt=0)
    transport_retries: int = Field(4, ge=0, le=10, description="Retries on 429/5xx/timeouts.")
    max_concurrency: int = Field(4, ge=1, le=256)
    temperature: float = Field(0.0, ge=0, le=2)

    # --- structured output ---------------------------------------------------------------
    reask_budget: int = Field(
        2, ge=0, le=5, description="Re-asks after a schema/grounding failure, per call."
    )

    # --- pipeline shape ------------------------------------------------------------------
    pairs_per_call: int = Field(
        1,
        ge=1,
        le=64,
        description="Claim pairs judged per model call in the alignment step. 1 (default): "
        "one call per pair with both claims written out; more: that many per call, named by "
        "id, cheaper on a strong endpoint. The embedded 1.5B model answers a batch by position, "
        "whatever the claims (benchmarks/alignment_pairs.py --batched).",
    )
    max_alignment_pairs: int = Field(120, ge=0)
    max_summary_points: int = Field(
        14,
        ge=1,
        description="points the summary covers besides each article's opening reports "
        "(disputes first, then agreements, then single-source points)",
    )
    summary_mode: Literal["model", "template"] = Field(
        "template",
        description="template (default): the summary is built from the claims' own words, "
        "attributed, with no model call. model: one short extra call names the event (the "
        "headline) and each difference (its name and question); each answer is verified "
        "against the claims it cites and the template is kept when it fails.",
    )

    # --- input limits --------------------------------------------------------------------
    max_article_bytes: int = Field(200_000, ge=1000)
    max_articles: int = Field(12, ge=1)
    max_sentences_per_article: int = Field(
        500,
        ge=0,
        description="HTTP: an article with more sentence units than this gets 413 (each "
        "sentence costs model calls; 0: no limit).",
    )
    max_sentences_per_request: int = Field(
        2000,
        ge=0,
        description="HTTP: a request whose articles have more sentence units in all gets 413 "
        "(0: no limit).",
    )

    # --- cache ---------------------------------------------------------------------------
    cache_enabled: bool = True
    cache_dir: Path = Field(default_factory=default_cache_dir)

    # --- data outside the package --------------------------------------------------------
    seeds_dir: Path = Field(
        CHECKOUT_SEEDS_DIR,
        description="The seed case: articles/*.txt, labels.yaml, labels.schema.json (rashomon "
        "eval, rashomon labels).",
    )
    evals_dir: Path = Field(
        CHECKOUT_EVALS_DIR,
        description="thresholds.yaml and judge_pairs.yaml, the defaults of rashomon eval "
        "--thresholds and --judge-pairs.",
    )
    datasets_dir: Path = Field(
        CHECKOUT_DATASETS_DIR,
        description="Holding basil/ and neus/ (rashomon eval --cases basil,neus).",
    )

    # --- batch ---------------------------------------------------------------------------
    ray_cpus_per_actor: float = Field(
        0.25,
        gt=0,
        description="rashomon batch --engine ray: CPUs Ray reserves for each reconciling actor "
        "(the work is mostly waiting on the model server).",
    )
    ray_max_attempts: int = Field(
        3,
        ge=1,
        description="rashomon batch --engine ray: an event whose actor process dies while running "
        "it (a crash, out of memory, a lost node) is started again at most this many times in "
        "all; then it is recorded as failed and the batch goes on.",
    )

    # --- HTTP service --------------------------------------------------------------------
    service_api_key: SecretStr | None = Field(
        None, description="When set, every route but health requires `Authorization: Bearer`."
    )
    max_concurrent_jobs: int = Field(2, ge=1)
    max_queued_jobs: int | None = Field(
        None, ge=1, description="Jobs waiting beyond this get 429 (default 16 x concurrent jobs)."
    )
    sync_max_articles: int = Field(
        0, ge=0, description="Requests with at most this many articles may run synchronously."
    )
    db_path: Path | None = Field(None, description="SQLite file for jobs (default: cache_dir).")
    max_job_attempts: int = Field(
        2,
        ge=1,
        description="A job started this many times without finishing (the server stopped or "
        "was killed each time) is marked failed at the next start instead of run again.",
    )
    jobs_keep_days: float = Field(
        30.0, ge=0, description="Finished jobs older than this are deleted (0: keep forever)."
    )
    jobs_keep_max: int = Field(
        1000, ge=0, description="At most this many finished jobs are kept, newest first (0: all)."
    )
    body_read_timeout_s: float = Field(
        60.0, gt=0, description="A request body not fully received within this gets 408."
    )
    max_connections: int = Field(
        256,
        ge=1,
        description="rashomon serve: concurrent connections and requests beyond this get 503.",
    )
    header_timeout_s: float = Field(
        10.0,
        gt=0,
        description="rashomon serve: a connection whose request line and headers are not all "
        "received within this is answered 408 and closed (slow-header clients hold no slot).",
    )
    max_connections_per_client: int = Field(
        32,
        ge=0,
        description="rashomon serve: open connections per client address; more are answered "
        "503 and closed at once (0: no cap; behind a reverse proxy every client has the "
        "proxy's address, so cap there instead).",
    )
    max_inflight_body_bytes: int = Field(
        128 * 1024 * 1024,
        ge=0,
        description="Request bodies being received or processed, in bytes, across all "
        "requests; a body that does not fit now gets 429 with Retry-After, one larger than the "
        "budget 413. Never below the largest accepted body (0: no budget).",
    )
    shutdown_grace_s: float = Field(
        5.0,
        gt=0,
        description="rashomon serve: on SIGTERM, in-flight requests get this long; a second "
        "before it ends, ?wait=true requests are answered 503 (the job resumes on restart) and "
        "event streams get their `shutdown` event.",
    )
    request_time_budget_s: float = Field(
        3600.0,
        ge=0,
        description="Wall-time budget of one reconciliation job or /v1/accounts call; over it "
        "the work is cancelled and answered 504 (0: no budget).",
    )

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, v: str | None) -> str | None:
        return v.rstrip("/") if v else v

    @property
    def cache_path(self) -> Path:
        return self.cache_dir / "responses.sqlite3"

    @property
    def jobs_db_path(self) -> Path:
        return self.db_path or (self.cache_dir / "jobs.sqlite3")


def load_settings(**overrides: Any) -> Settings:
    """`Settings(**overrides)` (the rest from RASHOMON_* and .env), with an invalid value
    reported as a one-line `ConfigError` naming the setting, its environment variable, what
    was given and what is allowed (never pydantic's multi-line dump)."""
    try:
        return Settings(**overrides)
    except ValidationError as err:
        raise ConfigError(describe_invalid(err, given=overrides)) from None


def describe_invalid(err: ValidationError, *, given: dict[str, Any]) -> str:
    problems = []
    for e in err.errors(include_url=False):
        name = str(e["loc"][0]) if e["loc"] else "settings"
        where = f"{ENV_PREFIX}{name.upper()}"
        if name in given:
            option = _OPTIONS.get(name, f"--{name.replace('_', '-')}")
            where = f"{option} / {where}"
        value = e.get("input")
        shown = f" (got {value!r})" if isinstance(value, str | int | float) else ""
        problems.append(f"setting {name} ({where}): {e['msg'].lower()}{shown}")
    return "; ".join(problems) + "; fix the option or the environment variable"


ENV_PREFIX = "RASHOMON_"
_OPTIONS = {"fake_latency_s": "--fake-latency", "cache_enabled": "--no-cache"}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
