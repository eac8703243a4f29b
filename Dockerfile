# syntax=docker/dockerfile:1
# Kiosque production image: gunicorn serving cms.wsgi with cms.settings.production, as a
# non-root user. Migrations are a release step, not part of start-up (docs/reliability.md):
#   docker run --rm --env-file kiosque.env kiosque python manage.py migrate --noinput

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: a virtualenv with the locked dependencies, and the static files collected ---------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY . /app
# The project is installed to resolve its dependencies against the lock, then removed: the code
# runs from /app, where templates and static sources live next to it.
RUN pip install --upgrade "pip>=24" \
    && pip install -c requirements.lock . \
    && pip uninstall -y kiosque \
    && rm -rf build ./*.egg-info
# collectstatic imports the production settings, which refuse to load without a secret and
# hosts: dummy values for this one step only, never present in the runtime image.
ARG COLLECTSTATIC_SECRET_KEY=collectstatic-only-not-a-secret
RUN DJANGO_SETTINGS_MODULE=cms.settings.production \
    SECRET_KEY="${COLLECTSTATIC_SECRET_KEY}" ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

# --- runtime: slim, no build tools, non-root ----------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=cms.settings.production \
    MEDIA_ROOT=/app/media \
    PORT=8000
RUN groupadd --system --gid 10001 kiosque \
    && useradd --system --uid 10001 --gid kiosque --home-dir /app --shell /usr/sbin/nologin kiosque
COPY --from=build /opt/venv /opt/venv
# Code and collected static files stay owned by root: the app cannot rewrite itself.
COPY --from=build /app /app
RUN mkdir -p /app/media && chown kiosque:kiosque /app/media
WORKDIR /app
USER 10001:10001
EXPOSE 8000
VOLUME ["/app/media"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "ops/healthcheck.py"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "cms.wsgi"]
