"""The reply corpus through the real explain command, `clerk_parse FILE --body`, as
score.py runs it (in-process here: one Django start instead of one per message)."""

import io

import pytest
from django.core.management import call_command

from mailclerk.markers import forget_markers

from .test_reply_corpus import CORPUS, MIN_PASSED, SCORE_PY, load_score_module


@pytest.mark.skipif(not SCORE_PY.exists(), reason=f"reply corpus not found at {CORPUS}")
def test_clerk_parse_body_passes_the_reply_corpus(db):
    forget_markers()  # the markers come from this test database (seeded by the migration)
    score = load_score_module()
    cases = score.load_cases(str(CORPUS))
    failed = []
    for case in cases:
        out = io.StringIO()
        call_command("clerk_parse", case["eml"], "--body", stdout=out)
        if score.judge(case, out.getvalue(), strict=False, collapse_blank=False) is None:
            failed.append(case["id"])

    assert len(cases) - len(failed) >= MIN_PASSED, f"failed: {failed}"
