"""Shared fixtures: personas, real loopback servers, the Celery mode.

Unit and integration tests run Celery tasks eagerly (after commit, like the real thing);
tests that take the `real_worker` fixture run a real worker thread over the configured
broker (Redis when REDIS_URL is set, which CI always sets)."""

import os
import socket

import pytest

pytest_plugins = ("celery.contrib.pytest",)

IN_CI = bool(os.environ.get("CI"))


def skip_or_fail(reason: str):
    """Skip when a server is missing locally; in CI a missing server is a failure."""
    if IN_CI:
        pytest.fail(f"CI must not skip: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _fresh_cached_lookups():
    """Per-process lookup caches (casedesk.cached) must not carry rows from one test's
    rolled-back database into the next."""
    from casedesk import cached

    cached.clear_all()
    yield
    cached.clear_all()


@pytest.fixture(autouse=True)
def _eager_celery(settings, tmp_path):
    from casedesk.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield
    app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas are created with passwords; PBKDF2 would cost ~0.3 s per user. PBKDF2 stays
    accepted for users made outside the test."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


# --- Celery: a real worker -------------------------------------------------------------


@pytest.fixture(scope="session")
def celery_worker_parameters():
    return {"perform_ping_check": False, "pool": "solo", "shutdown_timeout": 30}


@pytest.fixture(scope="session")
def celery_app():
    from casedesk.celery import app

    return app


@pytest.fixture
def real_worker(request, transactional_db):
    """A real Celery worker thread consuming from Redis. Needs REDIS_URL."""
    from django.conf import settings as dj_settings

    if not dj_settings.CELERY_BROKER_URL.startswith("redis://"):
        skip_or_fail("a real worker test needs Redis: set REDIS_URL (CI does)")
    from celery.contrib.testing.worker import start_worker

    from casedesk.celery import app

    app.conf.task_always_eager = False
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30) as worker:
        yield worker
    app.conf.task_always_eager = True


# --- Personas ---------------------------------------------------------------------------


@pytest.fixture
def support_queue(db):
    from casedesk.models import Queue

    return Queue.objects.create(name="Support Cases", slug="support-cases", is_default=True)


@pytest.fixture
def billing_queue(db):
    from casedesk.models import Queue

    return Queue.objects.create(name="Billing", slug="billing")


def make_agent(username: str, *queues, **extra):
    from django.contrib.auth import get_user_model

    from casedesk.roles import agents_group

    user = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@casedesk.localhost",
        password="pw-" + username,
        first_name=username.title(),
        last_name="Agent",
        is_staff=True,
        **extra,
    )
    user.groups.add(agents_group())
    for queue in queues:
        queue.members.add(user)
    return user


@pytest.fixture
def agent(support_queue):
    return make_agent("alice", support_queue)


@pytest.fixture
def other_agent(support_queue):
    return make_agent("bob", support_queue)


@pytest.fixture
def admin_user(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("admin", "admin@casedesk.localhost", "pw-admin")


@pytest.fixture
def acme(db):
    from casedesk.models import Site, SiteDomain

    site = Site.objects.create(name="Acme Corp")
    SiteDomain.objects.create(site=site, domain="acme.example")
    return site


def make_customer(email: str, name: str, site=None, *, portal: bool = True):
    from django.contrib.auth import get_user_model

    from casedesk.models import Contact

    user = None
    if portal:
        user = get_user_model().objects.create_user(username=email, email=email, password="pw-customer")
    return Contact.objects.create(email=email, name=name, site=site, user=user)


@pytest.fixture
def customer(acme):
    return make_customer("dana@acme.example", "Dana Doyle", acme)


@pytest.fixture
def other_customer(db):
    return make_customer("fay@globex.example", "Fay Fischer")


@pytest.fixture
def case(customer, support_queue):
    from casedesk import services
    from casedesk.models import Case

    return services.do_create_case(
        title="Printer on fire",
        contact=customer,
        channel=Case.Channel.EMAIL,
        actor=customer,
        body="It burns.",
    )


# --- Loopback SMTP server ---------------------------------------------------------------


class SMTPRecorder:
    """aiosmtpd handler that records envelopes and can inject failures."""

    def __init__(self):
        self.messages = []
        self.reply_mail = self.reply_rcpt = self.reply_data = None
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.reply_mail:
            return self.reply_mail
        envelope.mail_from, envelope.mail_options = address, mail_options
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reply_rcpt:
            return self.reply_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reply_data:
            return self.reply_data
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def parsed(self, index: int = -1):
        import email
        from email import policy

        return email.message_from_bytes(self.messages[index].original_content, policy=policy.default)


@pytest.fixture
def smtpd(settings):
    """A real SMTP server on loopback; Django's SMTP backend is pointed at it."""
    from aiosmtpd.controller import Controller

    handler = SMTPRecorder()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


# --- Browser tests ----------------------------------------------------------------------
# Playwright drives Debian's Chromium (never `playwright install`); see RECIPES.md §1.

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,  # keeps --headed / --slowmo from the command line
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started while MEDIA_URL is a path. Django's live server
    wraps the site in a media-files handler that crashes on MEDIA_URL=None (our setting:
    attachments are never public); the prefix below exists only in this test server."""
    from django.test import override_settings
    from pytest_django import live_server_helper

    addr = (
        request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    )
    with override_settings(MEDIA_URL="/__live-server-media__/"):
        server = live_server_helper.LiveServer(addr)
    yield server
    server.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def screenshot_on_failure(request, page):
    """The Playwright page; when the test fails, a full-page screenshot is saved to
    test-results/<test name>.png (depends on `page`, so it runs before the page closes)."""
    import re
    from pathlib import Path

    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        path = Path("test-results") / (re.sub(r"[^\w.-]+", "_", request.node.name) + ".png")
        path.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
