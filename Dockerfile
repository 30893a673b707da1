# community-bot: the same install as `make run`, slim, as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BOT_HTTP_PORT=8080

WORKDIR /app
# Dependencies first, so a code change doesn't reinstall them.
COPY pyproject.toml README.md ./
COPY bot/__init__.py bot/__init__.py
COPY adapters/__init__.py adapters/__init__.py
RUN pip install -e .

COPY . .
RUN useradd --create-home --uid 10001 bot && mkdir -p /app/data && chown bot /app/data
USER bot

VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request, os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"BOT_HTTP_PORT\"]}/healthz', timeout=4)"
# Migrations first (also run on start, but explicit is clearer in logs), then the bot.
CMD ["sh", "-c", "communitybot db upgrade && exec communitybot run"]
