"""`python -m bench` (or `make bench`): see bench/config.py for the options, `--help` for a summary."""

from bench.cli import main

main()
