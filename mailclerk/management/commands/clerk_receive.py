"""MTA pipe: read one raw message from stdin and store it.

Exit 0 only when the message is stored (or already was); 75 (EX_TEMPFAIL) when it could
not be stored, so Postfix/Exim keep it and retry."""

import sys

from django.core.management.base import BaseCommand

from mailclerk.models import InboundMessage

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Store one message read from stdin (for a Postfix/Exim pipe transport)."

    def add_arguments(self, parser):
        parser.add_argument("--process-now", action="store_true", help="Process it in this process.")
        parser.add_argument("--recipient", default="", help="Envelope recipient, if the MTA passes it.")

    def handle(self, *args, process_now: bool, recipient: str, **options):
        from mailclerk import services

        try:
            raw = sys.stdin.buffer.read()
            inbound, created = services.store_inbound(
                raw,
                channel=InboundMessage.Channel.PIPE,
                envelope_recipient=recipient,
                enqueue=not process_now,
            )
        except Exception as exc:
            self.stderr.write(f"clerk_receive: could not store the message ({type(exc).__name__}: {exc})")
            sys.exit(EX_TEMPFAIL)
        if not created:
            self.stdout.write(f"message {inbound.pk}: duplicate, already stored")
            return
        if process_now:
            try:
                inbound = services.process_inbound(inbound.pk)
            except Exception as exc:
                # Stored, so the MTA must not retry; the worker's sweep of received rows picks it up.
                self.stderr.write(f"message {inbound.pk}: stored, processing failed ({exc})")
                return
            self.stdout.write(describe(inbound))
        else:
            self.stdout.write(f"message {inbound.pk}: stored, queued")


def describe(inbound: InboundMessage) -> str:
    case = f" case {inbound.case.number}" if inbound.case_id else ""
    reason = f" ({inbound.reason})" if inbound.reason else ""
    return f"message {inbound.pk}: {inbound.action or inbound.status}{case}{reason}"
