"""WSGI entry point: all HTTP goes through here (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.config.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Build what Django builds lazily on the first request (URL patterns, the API and its schemas), so that the
    first customer of each worker does not wait for it; with `--preload` it is done once and shared by fork."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module and the API routers)


_warm_up()
