"""Explain what the clerk would do with one .eml file. Reads the database, writes nothing."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from mailclerk import services
from mailclerk.parsing import ParseError, attachments_of, parse_message


class Command(BaseCommand):
    help = "Print, as JSON, how the clerk would handle FILE.eml (nothing is processed or written)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--body", action="store_true", help="Print only the body text.")

    def handle(self, *args, file: str, body: bool, **options):
        try:
            raw = Path(file).read_bytes()
        except OSError as exc:
            self._fail(f"cannot read {file}: {exc.strerror or exc}")
        try:
            parsed = parse_message(raw)
        except ParseError as exc:
            self._fail(f"{file} is not an email message: {exc}")
        text, _, _ = services._content(parsed)
        if body:
            self.stdout.write(text)
            return
        try:
            decision, _ = services.decide(raw)
        except DatabaseError as exc:
            self._fail(f"the database is not ready (run `python manage.py migrate`): {exc}")
        stored, _ = attachments_of(parsed, 1 << 62)
        result = {
            "message_id": parsed.message_id or None,
            "from": parsed.from_address or None,
            "subject": parsed.subject,
            "auto_submitted": decision.robot.is_robot,
            "case_number": decision.case_number,
            "matched_by": decision.matched_by,
            "action": decision.action,
            "reason": decision.reason,
            "agent_mail": decision.agent_mail or None,
            "body": text,
            "attachments": [
                {"filename": p.filename, "content_type": p.content_type, "size": len(p.payload)}
                for p in stored
            ],
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def _fail(self, message: str):
        self.stderr.write(f"clerk_parse: {message}")
        sys.exit(1)
