"""WSGI entry point of the peer site (served by gunicorn with the same options as frontdesk)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.peer.settings")
application = get_wsgi_application()
