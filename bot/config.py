"""Typed settings read once from the environment (and `.env`) with pydantic-settings.

Everything else receives a `Settings` object; nothing reads `os.environ` after start-up.
A wrong value stops start-up with one line naming the variable (see `load_settings`).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_CONTENT_DIR = PROJECT_ROOT / "content"
ORGANIZER_PLATFORMS = ("telegram", "discord")
ASYNC_DRIVERS = {"sqlite+aiosqlite", "postgresql+asyncpg"}
DASHBOARD_TOKEN_MIN_LENGTH = 32


class ConfigError(Exception):
    """A configuration value is wrong; the message names the variable and is safe to print."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///data/bot.db"
    content_dir: Path = BUNDLED_CONTENT_DIR
    telegram_token: SecretStr | None = None
    telegram_api_base: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_host: str = "0.0.0.0"  # where the webhook server listens
    telegram_webhook_port: int = Field(default=8081, ge=1, le=65535)
    # Telegram sends it back on every webhook request; derived from the token when unset, so
    # every process behind a load balancer agrees on it.
    telegram_webhook_secret: SecretStr | None = None
    discord_token: SecretStr | None = None
    # Guilds to sync slash commands to (instant); empty: sync globally (may take up to an hour).
    discord_guild_ids: Annotated[tuple[int, ...], NoDecode] = ()
    # Members holding this Discord role (an id, preferably, or a name) in one of the servers of
    # BOT_DISCORD_GUILD_IDS are organizers too; in any other server a role grants nothing.
    discord_organizer_role: str | None = None
    # Another Discord REST base / gateway (a proxy, or the test stand-in); unset: Discord's own.
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    # Shard count for AutoShardedClient; 0 = a single plain connection. With several processes,
    # BOT_DISCORD_SHARD_COUNT is the total and BOT_DISCORD_SHARD_IDS the shards of this process.
    discord_shards: int = Field(default=0, ge=0)
    discord_shard_count: int = Field(default=0, ge=0)
    discord_shard_ids: Annotated[tuple[int, ...], NoDecode] = ()
    organizers: Annotated[frozenset[tuple[str, str]], NoDecode] = frozenset()
    # Where new tickets (questions handed to a person) are posted with an Answer button: a
    # Telegram group's chat id and/or a Discord channel id. Unset: each organizer, privately.
    telegram_organizer_chat: str | None = None
    discord_organizer_channel: str | None = None
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "BOT_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "BOT_OPENAI_BASE_URL")
    )
    # Service face: /healthz and /metrics (0 = off); logs as plain lines or JSON objects.
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=8080, ge=0, le=65535)
    log_format: Literal["plain", "json"] = "plain"
    # Where members and organizers reach the bot's HTTP server (https://bot.example.org);
    # an https address makes the dashboard's cookie Secure.
    public_url: str | None = None
    # Bearer token that /metrics requires; unset: /metrics answers loopback clients only.
    metrics_token: SecretStr | None = None
    # The organizers' web dashboard at /dashboard/ (off when unset): at least 32 characters.
    dashboard_token: SecretStr | None = None
    # Send the session cookie over HTTPS only; unset: when BOT_PUBLIC_URL is https.
    dashboard_secure_cookie: bool | None = None
    dashboard_idle_minutes: float = Field(default=30, gt=0)  # a session unused this long ends
    # Questions a member may ask (either path) before being asked to slow down.
    questions_per_minute: int = Field(default=6, ge=1)
    questions_per_hour: int = Field(default=60, ge=1)
    # The web chat at /chat/ on the HTTP server (None: on whenever the HTTP server runs).
    web_chat: bool | None = None
    # Sites allowed to embed the chat (widget.js) in a frame: "https://a.org,https://b.org".
    web_embed_origins: str = ""
    web_messages_per_minute: int = Field(default=20, ge=1)  # per browser session
    web_ip_messages_per_minute: int = Field(default=60, ge=1)  # per client address
    web_message_characters: int = Field(default=2000, ge=100)
    # Per process: pages listening for announcements (event streams), and answers being
    # written at once; each bound is its own, so open pages never keep a question waiting.
    web_max_streams: int = Field(default=1000, ge=1)
    web_max_answers: int = Field(default=100, ge=1)
    # Proxies (addresses or networks, comma-separated) whose X-Forwarded-For names the client;
    # unset: the connecting address is the client, and the header is ignored.
    web_trusted_proxies: str = ""
    # Where the web chat counts messages for its limits (a `limits` storage URI, e.g.
    # async+redis://host:6379, which needs `pip install coredis`); unset: in each process's
    # memory, so N processes behind one balancer allow N times the limit.
    web_rate_limit_storage: SecretStr | None = None
    # How soon a process picks up the FAQ changes and content reloads made in another one.
    follow_changes_seconds: float = Field(default=30, gt=0)
    # Welcomes in a chat (/welcome on) are batched: at most one greeting per this many seconds.
    welcome_interval_seconds: float = Field(default=60, ge=0)
    # Introductions a member may ask the teammate finder to relay per day.
    contact_requests_per_day: int = Field(default=5, ge=1)
    # Documents organizers import (`content import`, /import, the dashboard): the largest file
    # and the most PDF pages read.
    import_max_megabytes: float = Field(default=20, gt=0)
    import_max_pages: int = Field(default=300, ge=1)
    # Answer records and unanswered questions older than this are deleted.
    answer_retention_days: int = Field(default=180, ge=1)
    # Outbox delivery: concurrent senders per process, and the platforms' limits (messages).
    delivery_workers: int = Field(default=2, ge=0, le=64)
    telegram_messages_per_second: float = Field(default=25, gt=0)
    telegram_chat_messages_per_second: float = Field(default=1, gt=0)
    telegram_group_messages_per_minute: float = Field(default=20, gt=0)
    discord_messages_per_second: float = Field(default=40, gt=0)
    # A reminder due while the bot was down is still sent this long after its time.
    reminder_grace_minutes: float = Field(default=60, ge=0)
    llm_model: str = "gpt-4o-mini"
    llm_timeout_seconds: float = Field(default=20, gt=0)
    # Seconds to wait for the model's first words; then the retrieval answer, marked as such.
    llm_first_token_seconds: float = Field(default=8, gt=0)
    llm_max_retries: int = Field(default=1, ge=0, le=5)
    llm_questions_per_hour: int = Field(default=30, ge=1)  # per member
    llm_cache_minutes: float = Field(default=10, ge=0)
    llm_prompt_token_budget: int = Field(default=3000, ge=500)
    llm_max_answer_tokens: int = Field(default=600, ge=50)
    llm_memory_turns: int = Field(default=6, ge=0, le=40)
    # bm25: keyword search alone; hybrid: keyword search fused with dense sentence embeddings.
    retrieval: Literal["bm25", "hybrid"] = "hybrid"
    # An OpenAI-compatible embeddings model instead of the bundled one (same base URL and key as
    # the chat model unless these are set).
    embeddings_model: str | None = None
    embeddings_base_url: str | None = None
    embeddings_api_key: SecretStr | None = None
    cache_dir: Path = Path("data/cache")  # computed passage vectors, per content and model
    # Files the bot sends in the console chat (a calendar, a CSV) are saved here.
    console_files_dir: Path = Path("data/console-files")
    timezone: str = "Asia/Shanghai"
    default_language: Literal["zh", "en"] = "zh"

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _secret_characters(cls, value: SecretStr | None) -> SecretStr | None:
        allowed = re.compile(r"[A-Za-z0-9_-]{1,256}")
        if value is not None and not allowed.fullmatch(value.get_secret_value()):
            raise ValueError("use 1-256 characters from A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("dashboard_token")
    @classmethod
    def _long_dashboard_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < DASHBOARD_TOKEN_MIN_LENGTH:
            raise ValueError(
                f"use at least {DASHBOARD_TOKEN_MIN_LENGTH} characters, e.g. the output of: "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_is_async(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"not a database URL: {value!r}") from None
        if url.drivername not in ASYNC_DRIVERS:
            allowed = " or ".join(f"{d}://…" for d in sorted(ASYNC_DRIVERS))
            raise ValueError(f"use an async driver URL ({allowed}), got {url.drivername}://…")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA timezone {value!r} (e.g. Asia/Shanghai)") from None
        return value

    @field_validator("web_trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        for entry in (e.strip() for e in value.split(",")):
            try:
                if entry:
                    ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"not an address or network (10.0.0.0/8): {entry!r}") from None
        return value

    @field_validator("web_rate_limit_storage")
    @classmethod
    def _rate_limit_storage(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        from limits.aio.storage import Storage
        from limits.errors import ConfigurationError
        from limits.storage import storage_from_string

        uri = value.get_secret_value()
        scheme = urlsplit(uri).scheme
        try:  # builds the client only (it connects when first used)
            storage = storage_from_string(uri)
        except ConfigurationError as error:  # the message may hold the URI's password
            reason = "unknown scheme" if "scheme" in str(error) else str(error).split(". ")[0]
            raise ValueError(f"cannot use {scheme}:// ({reason})") from None
        if not isinstance(storage, Storage):
            raise ValueError(f"use an async storage (async+redis://host:6379), got {scheme}://")
        return value

    @field_validator("discord_gateway_url")
    @classmethod
    def _websocket_url(cls, value: str | None) -> str | None:
        if value and urlsplit(value).scheme not in ("ws", "wss"):
            raise ValueError(f"must be a ws(s) URL, got {value!r}")
        return value or None

    @field_validator(
        "telegram_api_base",
        "telegram_webhook_url",
        "openai_base_url",
        "discord_api_base",
        "public_url",
        "embeddings_base_url",
    )
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("content_dir")
    @classmethod
    def _content_dir_exists(cls, value: Path) -> Path:
        if not (value / "contest.toml").is_file():
            raise ValueError(f"{value} has no contest.toml")
        return value

    @field_validator("organizers", mode="before")
    @classmethod
    def _parse_organizers(cls, value: object) -> frozenset[tuple[str, str]]:
        if isinstance(value, frozenset | set):
            return frozenset(value)
        return parse_organizers(str(value or ""))

    @field_validator("discord_guild_ids", "discord_shard_ids", mode="before")
    @classmethod
    def _parse_guild_ids(cls, value: object) -> tuple[int, ...]:
        if isinstance(value, tuple | list):
            return tuple(int(v) for v in value)
        items = [item.strip() for item in str(value or "").split(",") if item.strip()]
        if not all(item.isdigit() for item in items):
            raise ValueError(f"expected comma-separated numbers like 0,1, got {value!r}")
        return tuple(int(item) for item in items)

    def is_organizer(
        self, platform: str, user_id: str, roles: frozenset[str] = frozenset()
    ) -> bool:
        """Organizer rights come from configuration only: the list, or the Discord role held in
        one of the community's own servers (`roles` are "<server id>:<role id or name>")."""
        if (platform, user_id) in self.organizers:
            return True
        role = self.discord_organizer_role
        if platform != "discord" or role is None:
            return False
        return any(f"{guild}:{role}" in roles for guild in self.discord_guild_ids)

    def startup_warnings(self) -> list[str]:
        """Settings that work but probably not as the operator meant; logged at start-up."""
        warnings = []
        if self.discord_organizer_role and not self.discord_guild_ids:
            warnings.append(
                "BOT_DISCORD_ORGANIZER_ROLE is set but BOT_DISCORD_GUILD_IDS is empty: a role "
                "grants organizer rights only in the listed servers, so no role grants them now"
            )
        return warnings

    @property
    def web_chat_on(self) -> bool:
        return bool(self.http_port) and self.web_chat is not False

    @property
    def embed_origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.web_embed_origins.split(",") if o.strip()]

    @property
    def trusted_proxies(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        entries = (e.strip() for e in self.web_trusted_proxies.split(","))
        return [ipaddress.ip_network(e, strict=False) for e in entries if e]

    @property
    def dashboard_cookie_secure(self) -> bool:
        if self.dashboard_secure_cookie is not None:
            return self.dashboard_secure_cookie
        return bool(self.public_url and self.public_url.startswith("https://"))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def webhook_secret(self) -> str:
        if self.telegram_webhook_secret is not None:
            return self.telegram_webhook_secret.get_secret_value()
        token = self.telegram_token.get_secret_value() if self.telegram_token else ""
        return hashlib.sha256(f"webhook:{token}".encode()).hexdigest()

    def secrets(self) -> list[str]:
        """Values that must never reach a log line."""
        values = [
            self.telegram_token,
            self.discord_token,
            self.openai_api_key,
            self.telegram_webhook_secret,
            self.dashboard_token,
            self.metrics_token,
            self.embeddings_api_key,
        ]
        found = [value.get_secret_value() for value in values if value is not None]
        password = make_url(self.database_url).password
        return [*found, *([str(password)] if password else [])]

    @property
    def llm_enabled(self) -> bool:
        return self.openai_api_key is not None


def parse_organizers(raw: str) -> frozenset[tuple[str, str]]:
    """Parse "telegram:123,discord:456" into {("telegram", "123"), ("discord", "456")}."""
    result: set[tuple[str, str]] = set()
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        platform, sep, user_id = item.partition(":")
        platform, user_id = platform.strip().lower(), user_id.strip()
        if not sep or platform not in ORGANIZER_PLATFORMS or not user_id.isdigit():
            raise ValueError(
                f"expected platform:user_id items like telegram:123456 (platforms: "
                f"{', '.join(ORGANIZER_PLATFORMS)}), got {item!r}"
            )
        result.add((platform, user_id))
    return frozenset(result)


def _variable_name(field: str) -> str:
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"BOT_{field.upper()}"


def load_settings(**overrides: object) -> Settings:
    """Read the settings, or raise ConfigError with one line per wrong variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "?"
            name = _variable_name(field) if field in Settings.model_fields else field
            message = str(problem["msg"]).removeprefix("Value error, ")
            lines.append(f"configuration error: {name}: {message}")
        raise ConfigError("\n".join(lines)) from None
