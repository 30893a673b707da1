# community-bot: dependencies built in one stage, a slim runtime without build tools in the next.
#
# The base image is pinned by digest (a tag can move; a digest cannot). To update it, take the
# digest of the new tag: `docker buildx imagetools inspect python:3.11-slim-bookworm`.
ARG PYTHON_IMAGE=python:3.11.10-slim-bookworm@sha256:5148c0e4bbb64271bca1d3322360ebf4bfb7564507ae32dd639322e4952a6b16

# --- builder: the dependencies, in a virtual environment -----------------------------------------
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md LICENSE ./
COPY bot bot
COPY adapters adapters
# A regular install brings every dependency; the project itself then runs from /app (below), so
# its own copy is removed again.
RUN pip install --no-compile . \
    && pip uninstall --yes community-bot

# --- runtime: the virtual environment and the application, as a non-root user ------------------
FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    BOT_HTTP_PORT=8080
RUN useradd --create-home --uid 10001 bot
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY bot bot
COPY adapters adapters
COPY content content
COPY prompts prompts
COPY migrations migrations
COPY alembic.ini ./
# The bot writes data/ and, when organizers import documents, content/knowledge/.
RUN mkdir -p /app/data && chown -R bot /app/data /app/content
USER 10001

VOLUME ["/app/data", "/app/content"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['BOT_HTTP_PORT'], timeout=4)"]
# Migrations first (also run on start, but explicit is clearer in logs), then the bot.
CMD ["sh", "-c", "python -m bot db upgrade && exec python -m bot run"]
