# permitdb's container image: docs/operations.md ("Container") shows how to build and run it.
#
#   docker build -t permitdb .
#   docker run -p 127.0.0.1:8000:8000 -e PERMITDB_SECRET_KEY=... -e PERMITDB_DATABASE_URL=... permitdb
#
# Two stages: the first installs the hash-locked dependencies and builds permitdb's wheel into
# a virtualenv; the second is a slim Python with that virtualenv, no compiler, no pip cache,
# running as an unprivileged user.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/permitdb
WORKDIR /src
# Dependencies first, in their own layer: it is rebuilt only when the lock file changes.
COPY requirements/main.txt requirements/main.txt
RUN /opt/permitdb/bin/pip install --require-hashes --no-deps -r requirements/main.txt
COPY pyproject.toml README.md ./
COPY src ./src
COPY recordings ./recordings
# The wheel's build backend (hatchling) comes from the index for this stage only; permitdb's
# own dependencies are already installed, from the lock, so --no-deps adds nothing unpinned.
RUN /opt/permitdb/bin/pip wheel --no-deps --wheel-dir /wheels . \
    && /opt/permitdb/bin/pip install --no-deps /wheels/permitdb-*.whl

FROM ${PYTHON_IMAGE}
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/permitdb --create-home permitdb
COPY --from=build /opt/permitdb /opt/permitdb
ENV PATH=/opt/permitdb/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PERMITDB_DATA_DIR=/var/lib/permitdb
USER permitdb
WORKDIR /var/lib/permitdb
# The embedded SQLite database lives here when PERMITDB_DATABASE_URL is not set.
VOLUME ["/var/lib/permitdb"]
EXPOSE 8000
# /v1/health answers 200 when the database does, 503 when it does not (docs/api.md).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/v1/health', timeout=4).status != 200)"]
CMD ["permitdb", "serve", "--host", "0.0.0.0", "--port", "8000"]
