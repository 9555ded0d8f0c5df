"""Benchmark: reading a large reply — an HTML reply and a plain reply with many quoted lines.

    make bench-parse
    python -m benchmarks.parse --sizes 1 4 16 --repeat 3

For each size (MB of body) prints the best of ``--repeat`` seconds of two readings:

- ``worker``: what the worker does with a stored reply before the rule chain decides — the MIME
  structure and headers, the body (decoded, HTML turned into text, cut at
  ``approvals.core.limits.MAIL_HTML`` / ``MAIL_TEXT``), the own text without the quotes, the
  verdict. Past the limits this grows only with the linear work on the whole message (MIME
  structure, transfer decoding);
- ``unbounded``: the same converters on the whole body with no limit (``mail.html_text`` on
  all the HTML, ``mail.quoting`` and ``mail.verdicts`` on all the text), which shows that they
  are linear: the ratio to the 1 MB time should be about the ratio of the sizes.

Also a hostile HTML (``<a `` repeated: no tag ever closes), which sent the standard library's
parser back to the start of the input at every ``<``. A benchmark, not a test: nothing fails
because the machine is slow.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from mail import quoting, verdicts
from mail.html_text import html_to_text
from mail.parse import parse

MB = 1024 * 1024
HEAD = ("From: Anna Petrova <anna@example.com>\r\nTo: reply+abc@signoff.localhost\r\n"
        "Subject: Re: Contract\r\nMessage-ID: <bench@example.com>\r\nMIME-Version: 1.0\r\n")
ACCEPTED = ("approve", "send_back")


def html_body(size: int) -> str:
    """One long paragraph of inline markup, as a pasted document or a generated mail is: the
    shape that made the old converter quadratic (it grew one line and stripped it per chunk)."""
    sentence = "Clause <b>{}</b> of the contract &mdash; <a href='#c'>see</a> the annex. "
    parts, length, i = ["<html><body><div>Approved, see below</div><div>"], 0, 0
    while length < size:
        parts.append(sentence.format(i))
        length += len(parts[-1])
        i += 1
    return "".join(parts) + "</div></body></html>"


def quoted_body(size: int) -> str:
    parts, length, i = ["Send back: the amount is wrong\n\n"], 0, 0
    while length < size:
        parts.append(f"On Mon, 1 Dec 2026 at {i % 24}:00, Signoff <signoff@x.org> wrote:\n"
                     f"> line {i} of the request, Approved\n")
        length += len(parts[-1])
        i += 1
    return "".join(parts)


def hostile_body(size: int) -> str:
    return "<div>Approved</div>" + "<a " * (size // 3)


def as_mail(body: str, content_type: str) -> bytes:
    return f"{HEAD}Content-Type: {content_type}; charset=utf-8\r\n\r\n{body}".encode()


def worker_reading(raw: bytes) -> str | None:
    parsed = parse(raw)
    return verdicts.read_verdict(quoting.own_text(parsed), ACCEPTED).verdict


def best(work: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 4, 16],
                        help="body sizes in MB (default: 1 4 16)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (the best)")
    args = parser.parse_args()
    kinds = [
        ("HTML reply", html_body, "text/html",
         lambda body: verdicts.read_verdict(quoting.own_text_of(html_to_text(body)),
                                            ACCEPTED).verdict),
        ("plain reply, quoted lines", quoted_body, "text/plain",
         lambda body: verdicts.read_verdict(quoting.own_text_of(body), ACCEPTED).verdict),
        ("hostile HTML (<a  × n)", hostile_body, "text/html",
         lambda body: verdicts.read_verdict(quoting.own_text_of(html_to_text(body)),
                                            ACCEPTED).verdict),
    ]
    print(f"{'reply':28} {'MB':>5} {'lines':>9}  {'worker s':>9} {'×':>6}  "
          f"{'unbounded s':>11} {'×':>6}  verdict")
    for name, make, content_type, unbounded in kinds:
        first: tuple[float, float] | None = None
        for size in args.sizes:
            body = make(int(size * MB))
            raw = as_mail(body, content_type)
            worker_s, verdict = best(lambda raw=raw: worker_reading(raw), args.repeat)
            whole_s, whole_verdict = best(lambda body=body, read=unbounded: read(body),
                                          args.repeat)
            assert verdict == whole_verdict, (name, size, verdict, whole_verdict)
            first = first or (worker_s, whole_s)
            print(f"{name:28} {size:5g} {body.count(chr(10)) + 1:9,}  {worker_s:9.3f} "
                  f"{worker_s / first[0]:6.1f}  {whole_s:11.3f} {whole_s / first[1]:6.1f}  "
                  f"{verdict}", flush=True)


if __name__ == "__main__":
    main()
