# carbon-kepler-mcp: the MCP server over Streamable HTTP on port 8000 (MCP at /mcp).
#
#   scripts/build --image carbon-kepler-mcp:0.1.0        # or: docker build -t carbon-kepler-mcp:0.1.0 .
#   docker run --rm -p 8000:8000 -e CARBON_KEPLER_API_TOKEN=... -e KEPLER_ENDPOINT=http://...:28282/metrics carbon-kepler-mcp:0.1.0
#   docker run --rm -i carbon-kepler-mcp:0.1.0 serve --transport stdio --demo   # stdio for a desktop host
#
# Two stages: "build" makes a virtual environment with the package and its pinned dependencies; the final
# stage copies only that environment onto the same slim base, without pip, compilers or sources, and runs
# as an unprivileged user that can run with a read-only root filesystem. Built and run in CI by scripts/image-check
# (buildah, no Docker daemon), linted by hadolint and checked by tests/test_packaging.py.

# The base, pinned by exact version and by the digest of its multi-architecture index. Any image with Python 3.11+
# at /usr/bin/python or /usr/local/bin/python and the venv module works: CI builds on one made from Debian's
# packages (scripts/image-check: --build-arg PYTHON_IMAGE=localhost/carbon-kepler-mcp-ci-base:bookworm).
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY pyproject.toml constraints.txt README.md LICENSE ./
COPY src ./src
# constraints.txt pins every dependency to the versions CI tested; the build backend runs isolated.
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install -c constraints.txt . \
    && /opt/venv/bin/pip uninstall --yes pip

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="carbon-kepler-mcp" \
      org.opencontainers.image.description="MCP server: carbon emissions and compliance of Kubernetes workloads from Kepler power metrics" \
      org.opencontainers.image.licenses="Apache-2.0"
# No package manager for Python in the final image: remove the base's pip (and setuptools/wheel where present;
# a base made from Debian's python3 package has none of them).
RUN if python -m pip --version >/dev/null 2>&1; then python -m pip uninstall --yes --quiet pip setuptools wheel; fi
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp
USER 10001:10001
WORKDIR /tmp
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["carbon-kepler-mcp"]
CMD ["serve", "--transport", "http", "--host", "0.0.0.0", "--port", "8000"]
