"""The child process that opens an uploaded PDF with PDFium: its first pages as PNG images and
its text. The PDF is whatever someone uploaded, so PDFium never runs inside the web process:
:mod:`approvals.records.previews` starts this module as
``python -m approvals.records.pdf_render FOLDER PAGES MEMORY_BYTES CPU_SECONDS`` with the PDF on
standard input, and waits for it with a timeout.

Before reading a byte of input the child limits itself: its address space to ``MEMORY_BYTES``,
its CPU time to ``CPU_SECONDS``, each file it writes to 64 MiB, no core dump. (The limits are
set here, in the child's first lines, rather than in a ``preexec_fn``, which is not safe in a
threaded web server.) It writes ``page-<k>.png`` (k from 1, at most ``PAGES`` of them) and
``text.txt`` into ``FOLDER`` and prints one JSON line: ``{"pages": n, "shown": [[w, h], …],
"text_truncated": bool}``. A PDF PDFium cannot open ends it with a message on standard error and
exit status 1.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

#: the width a page is rendered at, in pixels (the page column is at most about 1000 px wide)
WIDTH = 1000
#: no page image taller than this (a very long page is drawn smaller)
MAX_HEIGHT = 3000
#: the most pages whose text is read (the text is cut at MAX_TEXT_CHARS anyway)
MAX_TEXT_PAGES = 500
MAX_TEXT_CHARS = 200_000  # approvals.core.doctext.MAX_TEXT_CHARS (not imported: kept small)


def _limit(memory: int, cpu: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 20, 64 << 20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def render(data: bytes, folder: Path, pages: int) -> dict:
    import pypdfium2 as pdfium  # after the limits: the library's own allocations count too

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise SystemExit(f"PDFium cannot open it: {error}") from None
    count = len(pdf)
    shown = []
    for index in range(min(count, pages)):
        page = pdf[index]
        width, height = page.get_size()
        scale = min(WIDTH / max(width, 1.0), MAX_HEIGHT / max(height, 1.0), 4.0)
        image = page.render(scale=scale, may_draw_forms=False).to_pil()
        image.save(folder / f"page-{index + 1}.png", format="PNG", optimize=True)
        shown.append([image.width, image.height])
        page.close()
    text, used, truncated = [], 0, False
    for index in range(min(count, MAX_TEXT_PAGES)):
        page = pdf[index]
        textpage = page.get_textpage()
        part = textpage.get_text_bounded().replace("\r\n", "\n").replace("\r", "\n")
        textpage.close()
        page.close()
        if used + len(part) > MAX_TEXT_CHARS:
            text.append(part[:MAX_TEXT_CHARS - used])
            truncated = True
            break
        text.append(part)
        used += len(part)
    truncated = truncated or count > MAX_TEXT_PAGES
    (folder / "text.txt").write_text("\n".join(text), encoding="utf-8")
    pdf.close()
    return {"pages": count, "shown": shown, "text_truncated": truncated}


def main(argv: list[str]) -> None:
    folder, pages, memory, cpu = Path(argv[0]), int(argv[1]), int(argv[2]), int(argv[3])
    _limit(memory, cpu)
    data = sys.stdin.buffer.read()
    print(json.dumps(render(data, folder, pages)))


if __name__ == "__main__":
    main(sys.argv[1:])
