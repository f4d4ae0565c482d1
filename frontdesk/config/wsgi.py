"""WSGI entry point: all HTTP goes through here (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.config.settings")
application = get_wsgi_application()
