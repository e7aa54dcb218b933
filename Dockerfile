# nudgebot in a container: the wheel is built in the first stage exactly as CI builds it
# (.ci/wheel-check: `pip wheel --no-deps .`), and installed in the second, with the content and
# the migrations inside it. Build: docker build -t nudgebot .   Run: see compose.yaml.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md LICENSE CHANGELOG.md alembic.ini ./
COPY nudgebot ./nudgebot
COPY content ./content
COPY alembic ./alembic
RUN pip wheel --no-deps --no-cache-dir --wheel-dir /dist .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NUDGEBOT_LISTEN=0.0.0.0 \
    NUDGEBOT_PORT=8080
COPY --from=build /dist /dist
RUN pip install --no-cache-dir "$(ls /dist/nudgebot-*.whl)[postgres]" \
    && rm -rf /dist \
    && useradd --system --uid 10001 --create-home --home-dir /var/lib/nudgebot nudgebot
USER nudgebot
# SQLite (the default NUDGEBOT_DATABASE_URL) keeps nudgebot.db here; mount a volume to keep it.
WORKDIR /var/lib/nudgebot
VOLUME ["/var/lib/nudgebot"]
EXPOSE 8080
# slim has no curl: python's urllib asks /healthz, and any answer but 200 counts as unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('NUDGEBOT_PORT', '8080') + '/healthz', timeout=4)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["nudgebot"]
CMD ["run"]
