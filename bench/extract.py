"""Throughput of extract_body on generated mail of mixed shapes.

    python bench/extract.py [--n 5000] [--seed 1]

Messages are parsed before timing starts; the figure is extract_body alone.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import random
import sys
import time
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mailclerk.extract import extract_body  # noqa: E402

WORDS = (
    "printer invoice refund login error order delivery password account screen update version restart please "
    "thanks still again today yesterday broken works customer number box missing photo attached"
).split()


def paragraph(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = rng.choices(WORDS, k=rng.randint(5, 16))
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def history(rng: random.Random, depth: int) -> str:
    lines = []
    for _ in range(depth):
        lines += ["", "On Mon, Jan 8, 2024 at 9:14 AM Support <support@casedesk.example> wrote:", ""]
        lines += ["> " + paragraph(rng, 2) for _ in range(rng.randint(2, 8))]
    return "\n".join(lines)


def plain_top_post(rng: random.Random) -> str:
    return f"Hi,\n\n{paragraph(rng, 3)}\n\nJane\n{history(rng, rng.randint(1, 4))}\n"


def plain_outlook(rng: random.Random) -> str:
    return (
        f"{paragraph(rng, 4)}\n\nKind regards\nRobert\n\n________________________________\n"
        "From: Support <support@casedesk.example>\nSent: Monday, January 8, 2024 9:14 AM\nTo: Robert\n"
        f"Subject: Case 1\n\n{paragraph(rng, 6)}\n"
    )


def plain_inline(rng: random.Random) -> str:
    parts = ["On Mon, Jan 8, 2024 at 9:14 AM Support <support@casedesk.example> wrote:"]
    for _ in range(rng.randint(2, 5)):
        parts += [f"> {paragraph(rng, 1)}", "", paragraph(rng, 1), ""]
    return "\n".join(parts) + "\n-- \nDev\n"


def html_gmail(rng: random.Random) -> str:
    body = "".join(f"<div>{paragraph(rng, 2)}</div><div><br></div>" for _ in range(rng.randint(1, 4)))
    quote = "<br>".join(paragraph(rng, 2) for _ in range(rng.randint(2, 10)))
    return (
        f'<div dir="ltr">{body}<ul><li>{paragraph(rng, 1)}</li><li><a href="https://x.example">link</a></li></ul>'
        '</div><div class="gmail_quote"><div class="gmail_attr">On Mon, Jan 8, 2024 at 9:14 AM Support '
        f'&lt;support@casedesk.example&gt; wrote:<br></div><blockquote class="gmail_quote">{quote}</blockquote></div>'
    )


def html_outlook(rng: random.Random) -> str:
    return (
        f"<html><body><div class='WordSection1'><p class='MsoNormal'>{paragraph(rng, 3)}</p>"
        "<div style='border:none;border-top:solid #E1E1E1 1.0pt'><p><b>From:</b> Support<br><b>Sent:</b> today"
        f"<br><b>To:</b> R<br><b>Subject:</b> x</p></div><p>{paragraph(rng, 8)}</p></div></body></html>"
    )


def build(rng: random.Random) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Customer <c@example.com>"
    msg["Subject"] = "Re: [Case 1] help"
    shape = rng.randrange(6)
    if shape == 0:
        msg.set_content(plain_top_post(rng))
    elif shape == 1:
        msg.set_content(plain_outlook(rng))
    elif shape == 2:
        msg.set_content(plain_inline(rng))
    elif shape == 3:
        msg.set_content(plain_top_post(rng))
        msg.add_alternative(html_gmail(rng), subtype="html")
    elif shape == 4:
        msg.set_content(html_gmail(rng), subtype="html")
    else:
        msg.set_content(html_outlook(rng), subtype="html")
    # Round-trip through bytes so the benchmark sees what a real inbound message looks like.
    return email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=5000, help="number of messages (default 5000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    messages = [build(rng) for _ in range(args.n)]
    start = time.perf_counter()
    empty = sum(extract_body(msg).no_new_text for msg in messages)
    elapsed = time.perf_counter() - start
    print(f"{args.n} messages in {elapsed:.2f}s, {empty} without new text")
    print(f"extract: {args.n / elapsed:.0f} msgs/s")


if __name__ == "__main__":
    main()
