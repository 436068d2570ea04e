# Production image. Migrations run as their own step before serving:
#   docker run --rm -e BPV_DATABASE_URL=... bpv migrate
#   docker run -p 8000:8000 -e BPV_DATABASE_URL=... -e BPV_SECRET_KEY=... bpv serve --host 0.0.0.0

# The pages' front-end files, from the npm registry as web/package-lock.json pins them, built
# by the Makefile's rule (app/web/static/vendor/).
FROM node:20-slim AS web
RUN apt-get update && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile pyproject.toml ./
COPY web/package.json web/package-lock.json ./web/
RUN make vendor

FROM python:3.11-slim

# Production refuses to start with the development secret: pass BPV_SECRET_KEY.
ENV BPV_ENVIRONMENT=production \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 bpv
WORKDIR /srv/bpv

COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY --from=web /src/app/web/static/vendor ./app/web/static/vendor
COPY bpv ./bpv
COPY migrations ./migrations
RUN pip install . && mkdir -p var && chown bpv:bpv var

USER bpv
EXPOSE 8000
ENTRYPOINT ["bpv"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
