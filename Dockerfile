# Lernreise as a container image: one Streamlit replica on port 8501.
#
#   docker build -t lernreise .
#   docker run -p 8501:8501 -e LERNREISE_DATABASE_URL=postgresql+psycopg://… lernreise
#
# compose.yaml runs two of these behind nginx with PostgreSQL (docs/deploy.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LERNREISE_DATA_DIR=/app/data

WORKDIR /app

# The package and its dependencies first (a layer that changes only with pyproject/dashboard),
# with the PostgreSQL driver: several replicas share one PostgreSQL.
# The versions are those of requirements.lock (what was tested), as constraints: the image gets
# no test tools.
COPY pyproject.toml requirements.lock README.md LICENSE ./
COPY dashboard ./dashboard
RUN pip install -c requirements.lock -e '.[postgres]'

# The app: entrypoint, pages, data, offline map assets, production Streamlit settings.
COPY streamlit_app.py ./
COPY app_pages ./app_pages
COPY data ./data
COPY static ./static
COPY .streamlit/config.toml ./.streamlit/config.toml

# Not root: the app needs to write nothing in /app (its database is PostgreSQL; a SQLite file
# would go to /app/var, which belongs to this user for a single container without a database).
RUN useradd --system --uid 10001 --home-dir /app --no-create-home lernreise \
    && mkdir -p /app/var && chown lernreise /app/var
USER lernreise

EXPOSE 8501
# Inside the container the app listens on every interface: only the container network (nginx)
# reaches it; compose.yaml publishes nginx, not the replicas.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
CMD ["python", "-m", "streamlit", "run", "streamlit_app.py", \
     "--server.address", "0.0.0.0", "--server.port", "8501", "--server.headless", "true"]
