"""Import an mbox file, a Maildir, or a folder of .eml files, oldest first (by Date, then
file order) so a reply is never processed before the message it answers."""

import mailbox
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path

from celery import chain
from django.core.management.base import BaseCommand, CommandError

from mailclerk import services
from mailclerk.management.commands.clerk_receive import describe
from mailclerk.models import InboundMessage
from mailclerk.parsing import _date, header

CHUNK = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def sources(path: Path) -> Iterator[Callable[[], bytes]]:
    """One loader per message, in file order."""
    if path.is_dir():
        if (path / "cur").is_dir() or (path / "new").is_dir():
            box = mailbox.Maildir(str(path), factory=None, create=False)
            for key in sorted(box.keys()):
                yield lambda key=key: box.get_bytes(key)
            return
        for file in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".eml"):
            yield file.read_bytes
        return
    with path.open("rb") as handle:
        is_mbox = handle.read(5) == b"From "
    if not is_mbox:
        yield path.read_bytes
        return
    box = mailbox.mbox(str(path), factory=None, create=False)
    for key in box.keys():
        yield lambda key=key: box.get_bytes(key)


def sort_key(raw: bytes) -> datetime | None:
    try:
        head = BytesHeaderParser(policy=default_policy).parsebytes(raw)
        return _date(header(head, "Date"))
    except Exception:
        return None


class Command(BaseCommand):
    help = "Import an mbox, a Maildir or a folder of .eml files into the clerk."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--process-now", action="store_true", help="Process each message in this process."
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, path: str, process_now: bool, no_progress: bool, **options):
        root = Path(path)
        if not root.exists():
            raise CommandError(f"{path} does not exist")
        loaders = list(sources(root))
        # Date order; a message without a usable Date keeps its place after the one before it.
        keyed, last = [], _EPOCH
        for index, load in enumerate(loaders):
            when = sort_key(load()) or last
            last = when
            keyed.append((when.astimezone(UTC), index, load))
        keyed.sort(key=lambda item: (item[0], item[1]))

        counts = {"stored": 0, "duplicate": 0, "quarantined": 0}
        new_pks: list[int] = []
        total = len(keyed)
        for done, (_, _, load) in enumerate(keyed, start=1):
            inbound, created = services.store_inbound(
                load(), channel=InboundMessage.Channel.IMPORT, enqueue=False
            )
            if not created:
                counts["duplicate"] += 1
            else:
                counts["stored"] += 1
                new_pks.append(inbound.pk)
                if process_now:
                    inbound = services.process_inbound(inbound.pk)
                    if inbound.status == InboundMessage.Status.QUARANTINED:
                        counts["quarantined"] += 1
                    self.stdout.write(describe(inbound))
            if not no_progress:
                self._progress(done, total)
        if not no_progress and total:
            sys.stderr.write("\n")
        if new_pks and not process_now:
            from mailclerk.tasks import process_inbound_batch_task

            chunks = [new_pks[i : i + CHUNK] for i in range(0, len(new_pks), CHUNK)]
            chain(*(process_inbound_batch_task.si(chunk) for chunk in chunks)).delay()
        queued = "" if process_now else f", {len(new_pks)} queued for processing in date order"
        self.stdout.write(
            f"{total} messages: {counts['stored']} stored, {counts['duplicate']} duplicate, "
            f"{counts['quarantined']} quarantined{queued}"
        )

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\rImporting [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
