"""The service's HTTP face on BOT_HTTP_PORT: /healthz and /metrics (and the dashboard's pages)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select, text

from bot.ops.metrics import OUTBOX_DEPTH, REGISTRY
from bot.storage.database import Database
from bot.storage.models import Delivery

log = logging.getLogger(__name__)


def service_app(database: Database, checks: Mapping[str, Callable[[], bool]]) -> web.Application:
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

    async def metrics(_: web.Request) -> web.Response:
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


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
