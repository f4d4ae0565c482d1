"""Text from HTML-only mails, and their new part: clients wrap quoted history in well-known containers."""

from __future__ import annotations

import re

from frontdesk.core.html import html_to_text

MAX_HTML_CHARS = 1_000_000  # beyond this the converter only sees the beginning (a mail body, not a book)

_QUOTE_CONTAINER_RE = re.compile(
    r"<div[^>]{0,300}?class=[\"']?(?:gmail_quote|gmail_extra|yahoo_quoted|moz-cite-prefix|zmail_extra)"
    r"|<blockquote[^>]{0,300}?type=[\"']?cite"
    r"|<(?:div|hr|span)[^>]{0,300}?id=[\"']?(?:appendonsend|divRplyFwdMsg|OLK_SRC_BODY_SECTION|stopSpelling"
    r"|mail-editor-reference-message-container|reply-intro)",
    re.IGNORECASE,
)


_LONELY_LT_RE = re.compile(r"<(?![^<>]{0,2000}>)")


def text_from_html(html: str) -> str:
    return html_to_text(_safe(html))


def html_texts(html: str) -> tuple[str, str]:
    """The whole HTML as text, and the part above the first quoted-history container as text."""
    safe = _safe(html)
    text = html_to_text(safe)
    match = _QUOTE_CONTAINER_RE.search(safe)
    return text, (html_to_text(safe[: match.start()]) if match else text)


def _safe(html: str) -> str:
    """Bounded input for the converter: no script/style blocks, and no "<" that never closes (a tag regex
    would rescan the rest of the text from each one: quadratic on hostile input)."""
    return _LONELY_LT_RE.sub("&lt;", _drop_script_and_style(html[:MAX_HTML_CHARS]))


def _drop_script_and_style(html: str) -> str:
    """Remove <script>/<style> blocks in one pass (a regex per block is quadratic on unclosed tags)."""
    lowered = html.lower()
    if "<style" not in lowered and "<script" not in lowered:
        return html
    out: list[str] = []
    pos = 0
    while True:
        starts = [i for i in (lowered.find("<style", pos), lowered.find("<script", pos)) if i >= 0]
        if not starts:
            out.append(html[pos:])
            break
        start = min(starts)
        out.append(html[pos:start])
        closing = "</style" if lowered.startswith("<style", start) else "</script"
        end = lowered.find(closing, start)
        if end < 0:
            break  # unclosed: the rest is not text
        close = lowered.find(">", end)
        pos = len(html) if close < 0 else close + 1
    return "".join(out)
