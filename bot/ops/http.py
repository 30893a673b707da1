"""The service's HTTP face on BOT_HTTP_PORT: /healthz and /metrics (and the dashboard's pages).

/metrics tells how busy the bot is (members, deliveries, failures): with BOT_METRICS_TOKEN it
wants that bearer token; without, it answers only clients on this machine (loopback).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Callable, Mapping

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select, text

from bot.ops.metrics import OUTBOX_DEPTH, REGISTRY
from bot.storage.database import Database
from bot.storage.models import Delivery

log = logging.getLogger(__name__)


def service_app(
    database: Database,
    checks: Mapping[str, Callable[[], bool]],
    metrics_token: str | None = None,
) -> web.Application:
    """`checks`: name → is it healthy (e.g. "telegram" → the adapter is connected)."""
    app = web.Application()

    async def healthz(_: web.Request) -> web.Response:
        results: dict[str, bool] = {}
        try:
            async with database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            results["database"] = True
        except Exception as error:  # any failure means "not healthy", with the reason logged
            log.warning("health check: database unreachable: %s", type(error).__name__)
            results["database"] = False
        results |= {name: bool(check()) for name, check in checks.items()}
        status = 200 if all(results.values()) else 503
        return web.json_response({"ok": status == 200, "checks": results}, status=status)

    async def metrics(request: web.Request) -> web.Response:
        if not _may_read_metrics(request, metrics_token):
            return web.Response(
                status=401 if metrics_token else 403,
                text="/metrics needs BOT_METRICS_TOKEN as a bearer token, or a local client.\n",
                headers={"WWW-Authenticate": "Bearer"} if metrics_token else None,
            )
        try:
            async with database.session() as session:
                waiting = await session.scalar(
                    select(func.count())
                    .select_from(Delivery)
                    .where(Delivery.status.in_(("queued", "sending")))
                )
            OUTBOX_DEPTH.set(waiting or 0)
        except Exception:
            log.warning("metrics: outbox depth unavailable")
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


def _may_read_metrics(request: web.Request, token: str | None) -> bool:
    if token is not None:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:  # e.g. a Unix socket peer
        return False


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
