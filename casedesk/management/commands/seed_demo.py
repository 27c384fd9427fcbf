"""Load demo data: queues, agents, sites, contacts and ~20 cases with history.

Idempotent: accounts and organisations are created once; cases only when there are none.
Refused unless DEBUG is on or --force is given, so it cannot touch a production database
by accident."""

import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casedesk import services
from casedesk.models import Case, Profile, Queue, Site, SiteDomain
from casedesk.roles import agents_group

DEMO_PASSWORD = "casedesk-demo"

AGENTS = [
    ("alice", "Alice", "Archer", "alice@casedesk.localhost", "support-cases"),
    ("bob", "Bob", "Baker", "bob@casedesk.localhost", "support-cases"),
    ("carol", "Carol", "Chen", "carol@casedesk.localhost", "billing"),
]
SITES = [("Acme Corp", "acme.example"), ("Globex", "globex.example")]
CONTACTS = [
    # email, name, phone, portal login
    ("dana@acme.example", "Dana Doyle", "+1 555 0101", True),
    ("erik@acme.example", "Erik Eriksen", "+1 555 0102", True),
    ("fay@globex.example", "Fay Fischer", "+1 555 0201", True),
    ("gus@globex.example", "Gus Gomez", "", False),
    ("hana@example.net", "Hana Hall", "", False),
]
TITLES = [
    "Cannot log in after password change",
    "Invoice 2024-117 charged twice",
    "Printer on floor 3 shows error E42",
    "Request: add Erik to the shared mailbox",
    "VPN disconnects every 10 minutes",
    "Refund for cancelled order #5531",
    "Export to CSV produces empty file",
    "Laptop battery swells",
    "Wrong VAT number on invoices",
    "New starter needs an account on Monday",
    "Dashboard loads very slowly",
    "Question about the enterprise plan",
    "Email bounces from our domain",
    "Two-factor codes never arrive",
    "Mobile app crashes on start",
    "Change billing address",
    "Data import stuck at 99%",
    "Please close my old account",
    "Calendar sync duplicates events",
    "Contract renewal quote",
]


class Command(BaseCommand):
    help = "Load Casedesk demo data (idempotent). Refused unless DEBUG or --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo only runs with DEBUG on (or --force): it creates known passwords.")
        with transaction.atomic():
            queues, agents = self._people()
            contacts = self._customers()
            created = 0 if Case.objects.exists() else self._cases(queues, agents, contacts)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} cases created)."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write("  admin (superuser), alice, bob, carol (agents)")
        self.stdout.write("  dana@acme.example, erik@acme.example, fay@globex.example (portal customers)")

    def _people(self):
        User = get_user_model()
        support, _ = Queue.objects.get_or_create(slug="support-cases", defaults={"name": "Support Cases"})
        if not Queue.objects.filter(is_default=True).exists():
            support.is_default = True
            support.save(update_fields=["is_default"])
        billing, _ = Queue.objects.get_or_create(slug="billing", defaults={"name": "Billing"})
        queues = {"support-cases": support, "billing": billing}

        admin, made = User.objects.get_or_create(
            username="admin",
            defaults={"email": "admin@casedesk.localhost", "is_staff": True, "is_superuser": True},
        )
        if made:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        group = agents_group()
        agents = {}
        for username, first, last, email, queue_slug in AGENTS:
            user, made = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": email, "is_staff": True},
            )
            if made:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(group)
            queues[queue_slug].members.add(user)
            profile = Profile.for_user(user)
            if not profile.mobile_address:
                profile.mobile_address = f"555010{len(agents)}@sms.example"
                profile.save(update_fields=["mobile_address"])
            agents[username] = user
        if support.supervisor_id is None:
            support.supervisor = agents["alice"]
            support.save(update_fields=["supervisor"])
        return queues, agents

    def _customers(self):
        User = get_user_model()
        for name, domain in SITES:
            site, _ = Site.objects.get_or_create(name=name)
            SiteDomain.objects.get_or_create(domain=domain, defaults={"site": site})
        contacts = []
        for email, name, phone, portal in CONTACTS:
            contact, _ = services.get_or_create_contact(email, name=name)
            if phone and not contact.phone:
                contact.phone = phone
                contact.save(update_fields=["phone"])
            if portal and contact.user_id is None:
                user, made = User.objects.get_or_create(username=email, defaults={"email": email})
                if made:
                    user.first_name, _, user.last_name = name.partition(" ")
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                contact.user = user
                contact.save(update_fields=["user"])
            contacts.append(contact)
        return contacts

    def _cases(self, queues, agents, contacts) -> int:
        rng = random.Random(1234)
        agent_list = list(agents.values())
        for i, title in enumerate(TITLES):
            contact = contacts[i % len(contacts)]
            channel = [Case.Channel.EMAIL, Case.Channel.PORTAL, Case.Channel.CONSOLE][i % 3]
            queue = (
                queues["billing"]
                if any(w in title.lower() for w in ("invoice", "refund", "vat", "billing", "quote"))
                else None
            )
            case = services.do_create_case(
                title=title,
                contact=contact,
                channel=channel,
                actor=contact if channel != Case.Channel.CONSOLE else agent_list[i % 3],
                body=f"Hello,\n\n{title}. Could you please help?\n\nThanks,\n{contact.first_name}",
                priority=rng.choice([1, 2, 2, 2, 3, 4]),
                queue=queue,
            )
            stage = i % 5
            if stage >= 1:
                owner = agents["carol"] if case.queue == queues["billing"] else agent_list[i % 2]
                services.do_accept_case(case, actor=owner)
                services.do_log_note(case, body="Looking into this now.", actor=owner, is_public=True)
                services.do_log_note(
                    case, body="Checked the logs; nothing obvious yet.", actor=owner, is_public=False
                )
            if stage >= 2:
                services.do_log_note(case, body="Any news on this?", actor=contact, is_public=True)
                services.do_change_status(case, status=Case.Status.WAITING, actor=owner)
            if stage >= 3:
                services.do_log_note(case, body="Here are the details you asked for.", actor=contact)
            if stage == 4:
                services.do_close_case(case, actor=owner, resolution="Resolved: fixed the configuration.")
        return len(TITLES)
