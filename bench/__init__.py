"""Benchmarks of frontdesk against django-helpdesk: `python -m bench` (see docs/operations/performance.md).

This package is imported both by frontdesk's interpreter and by the peer's own virtualenv (bench/peer,
bench/querycount.py), so nothing here imports frontdesk or third-party packages at import time.
"""
