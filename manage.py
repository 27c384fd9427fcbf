#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    if "SECRET_KEY" not in os.environ:
        # A checkout with no configuration is a development checkout: management commands
        # (clerk_parse, seed_demo, …) work out of the box. Production always sets SECRET_KEY,
        # and its web and worker processes (wsgi.py, celery) never pass through here.
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
