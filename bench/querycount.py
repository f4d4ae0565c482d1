"""A middleware that reports how many SQL queries a request ran, in an `X-Query-Count` response header.

Used by both benchmarked sites (bench.frontdesk_settings and bench.peer.settings) when BENCH_QUERY_COUNT=1;
it depends only on Django so that both interpreters can import it. `X-Server-Ms` is the time spent inside
the Django stack below this middleware, which separates server time from time on the wire.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        count = 0

        def counting(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counting):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        response["X-Server-Ms"] = f"{(time.perf_counter() - started) * 1000:.2f}"
        return response
