"""Loaded with `-p tests.pytest_env` before pytest-django reads the settings: test runs are
development runs (DEBUG on for settings import; Django's test runner turns it off again)."""

import os

os.environ.setdefault("DEBUG", "1")
# Playwright's sync API runs an event loop in the main thread; Django would otherwise
# refuse every ORM call from the test body. Tests only; never in settings.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
