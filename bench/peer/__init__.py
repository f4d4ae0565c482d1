"""A minimal Django site that serves django-helpdesk, the peer the benchmarks compare against.

Only this site is kept in the repository; django-helpdesk itself is installed from PyPI into
bench/.work/peer-venv by `python -m bench` (see bench/products/peer.py).
"""
