# community-bot: the same install as `make run`, in a slim image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Dependencies first, so code changes don't reinstall them.
COPY pyproject.toml README.md ./
COPY bot/__init__.py bot/__init__.py
COPY adapters/__init__.py adapters/__init__.py
RUN pip install -e .

COPY . .
RUN useradd --create-home --uid 10001 bot && mkdir -p /app/data && chown bot /app/data
USER bot

VOLUME ["/app/data"]
# Migrations run on start as well; `communitybot db upgrade` runs them alone.
CMD ["communitybot", "run"]
