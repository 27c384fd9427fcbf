import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def parse_bytes(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.fixture
def load_eml():
    def load(name: str) -> EmailMessage:
        return parse_bytes((FIXTURES / name).read_bytes())

    return load
