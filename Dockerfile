# Highlight's image: the app servers (gunicorn, the default command) and the job worker (`flask --app wsgi worker`)
# run from it. compose.yaml shows a whole service: PostgreSQL, two app servers, one worker, nginx in front.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# What WeasyPrint draws the PDFs with (Pango, fonts), and pg_dump/pg_restore for `flask backup` and `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/highlight
# The pinned dependencies first, so that a change of code alone reuses this layer.
COPY pyproject.toml constraints.txt README.md ./
COPY app/__init__.py app/__init__.py
RUN pip install -c constraints.txt -e .

COPY app app
COPY migrations migrations
COPY templates templates
COPY static static
COPY wsgi.py gunicorn.conf.py ./

# An unprivileged user; the instance folder holds only copies (kept exports), never anything another server needs.
RUN useradd --system --uid 10001 --no-create-home highlight \
    && mkdir -p instance \
    && chown highlight instance
USER highlight

ENV HIGHLIGHT_ENV=production \
    BIND=0.0.0.0:8000 \
    LOG_FORMAT=json
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["gunicorn", "wsgi:app"]
