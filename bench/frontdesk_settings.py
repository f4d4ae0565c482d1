"""frontdesk's own settings plus the query-counting middleware (bench/querycount.py); nothing else changes.

The benchmarks serve frontdesk with DJANGO_SETTINGS_MODULE=bench.frontdesk_settings so that every response
carries X-Query-Count without any change to the product.
"""

from frontdesk.config.settings import *  # noqa: F403
from frontdesk.config.settings import MIDDLEWARE

MIDDLEWARE = ["bench.querycount.QueryCountMiddleware", *MIDDLEWARE]
