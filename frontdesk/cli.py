"""The `frontdesk` console command: Django's management commands under a product name."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.config.settings")
    from django.core.management import execute_from_command_line

    argv = sys.argv[:]
    argv[0] = "frontdesk"
    if len(argv) == 1:
        argv.append("help")
    execute_from_command_line(argv)
