"""Print the new text of one .eml file: ``python tests/mailclerk/corpus_body.py FILE.eml``."""

import email
import email.policy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mailclerk.extract import extract_body  # noqa: E402


def main() -> None:
    raw = Path(sys.argv[1]).read_bytes()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    sys.stdout.write(extract_body(msg).text + "\n")


if __name__ == "__main__":
    main()
