"""Quoted history and signatures: the part of a mail the customer just wrote.

A line scanner, not one big regular expression: each line is classified with cheap string tests (prefix,
suffix, label before a colon), so the cost is linear and no input can make it backtrack. Lines longer than
MAX_LINE are never headers or signatures, and only the first MAX_ANALYSED_CHARS are looked at.

The quote-header and signature rules started from the regular expressions of crisp-oss/email-reply-parser
(MIT licence, Copyright (c) Crisp IM SAS), rewritten as line rules and extended to more languages.
"""

# ruff: noqa: RUF001  (mail clients write in many scripts: the letters are meant)

from __future__ import annotations

import re
from dataclasses import dataclass

from . import vocabulary as vocab

MAX_ANALYSED_CHARS = 100_000
MAX_LINE = 1_000
MAX_HEADER_LINES = 3  # a wrapped "On …, Name <address> wrote:" spans at most three lines
MAX_INLINE_PREAMBLE = 3  # more lines above the first quote than this: a top-post, not an inline reply

_QUOTE_RE = re.compile(r"^[ \t]*>")
_DIGIT_RE = re.compile(r"\d")
_DATE_HINT_RE = re.compile(r"\d{1,2}[:.h]\d{2}|(?<!\d)(?:19|20)\d{2}(?!\d)|\d{1,2}[./-]\d{1,2}[./-]\d{2}")
_DASHES_PHRASE_RE = re.compile(r"^[ \t>]*[-=_*]{2,}[ \t]*([^-=_*].{0,60}?)[ \t]*[-=_*]{2,}[ \t]*(.*)$")
_UNDERSCORES_RE = re.compile(r"^[ \t]*_{10,}[ \t]*$")
_SHORT_DELIMITER_RE = re.compile(r"^[ \t]*(?:-{2,4}|_{2,4}|\+{2,4}|={2,4}|\*{3}|[—–]{3,})[ \t]*$")
_TRAILING_SYMBOLS_RE = re.compile(r"[\W_]+$")
_ADDRESS_END_RE = re.compile(r"[>\])][ \t]*[:：][ \t]*$")
_LABEL_RE = re.compile(r"^[ \t>]*\*?[ \t]*([^:：\n]{1,30}?)[ \t]*\*?[ \t]*[:：]")


@dataclass(frozen=True)
class ReplySplit:
    reply: str  # the top-posted text above any quote or quote header, without signature
    visible: str  # what a reader should see: the reply, or inline answers with the quotes they answer
    has_history: bool  # a quote, quote header or separator was found


def split_reply(text: str) -> ReplySplit:
    """Split a plain-text mail body into the new reply and its quoted history."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    analysed = text[:MAX_ANALYSED_CHARS]
    lines = [line.rstrip() for line in analysed.split("\n")]
    raw_lines = analysed.split("\n")
    scanner = _Scanner(lines, raw_lines)

    start = scanner.first_boundary(0)
    if start is None:
        body = _join(lines[: scanner.signature_cut(0, len(lines))])
        reply = body if len(text) <= MAX_ANALYSED_CHARS else text.strip()
        return ReplySplit(reply=reply, visible=reply, has_history=False)

    reply = _join(lines[: scanner.signature_cut(0, start)])
    visible = reply
    kind, _ = scanner.boundary(start)
    preamble = sum(1 for line in lines[:start] if line.strip())
    if kind == "quote" and preamble <= MAX_INLINE_PREAMBLE:
        end = scanner.inline_answers_end(start)
        if end is not None:
            visible = _join(lines[:end])
    return ReplySplit(reply=reply, visible=visible, has_history=True)


def _join(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n")


class _Scanner:
    def __init__(self, lines: list[str], raw_lines: list[str]) -> None:
        self.lines = lines
        self.raw = raw_lines
        self.count = len(lines)
        self._headers: dict[int, int] = {}  # line -> number of lines of the quote header starting there

    # ---- boundaries -------------------------------------------------------------------------------------

    def first_boundary(self, start: int) -> int | None:
        for index in range(start, self.count):
            if self.boundary(index)[0]:
                return index
        return None

    def boundary(self, index: int) -> tuple[str, int]:
        """("quote" | "history" | "", lines spanned) for the line at index."""
        line = self.lines[index]
        if not line or len(line) > MAX_LINE:
            return "", 0
        if _QUOTE_RE.match(line):
            return "quote", 1
        if self._is_separator(index) or self._is_header_block(index):
            return "history", 1
        span = self._attribution_span(index)
        if span:
            after = self._next_nonblank(index + span)
            followed_by_quote = after is not None and _QUOTE_RE.match(self.lines[after]) is not None
            return ("quote" if followed_by_quote else "history"), span
        return "", 0

    def _next_nonblank(self, index: int) -> int | None:
        for probe in range(index, min(self.count, index + 4)):
            if self.lines[probe].strip():
                return probe
        return None

    def _is_separator(self, index: int) -> bool:
        line = self.lines[index]
        stripped = line.strip().lstrip(">").strip()
        lowered = stripped.lower()
        if lowered.rstrip(" :：") in vocab.FORWARD_INTROS:
            return True
        match = _DASHES_PHRASE_RE.match(line)
        if match:
            phrase = match.group(1).strip().lower()
            if phrase in vocab.SEPARATOR_PHRASES or phrase.startswith(vocab.SEPARATOR_PHRASE_PREFIXES):
                return True  # (Yahoo writes the header block on the same line, after the phrase)
            return not match.group(2) and self._label_within(index + 1, 3, vocab.FROM_LABELS) is not None
        if _UNDERSCORES_RE.match(line):
            return self._label_within(index + 1, 3, vocab.FROM_LABELS) is not None
        return False

    def _is_header_block(self, index: int) -> bool:
        """Outlook style: "From: …" then "Sent:/Date:/To:/Subject: …" lines, in any of many languages."""
        label = _label(self.lines[index])
        if label not in vocab.FROM_LABELS:
            return False
        line = self.lines[index]
        if vocab.glued_labels(line, line.find(":") + 1):  # Yahoo writes the whole block on one line
            return True
        return self._label_within(index + 1, 6, vocab.HEADER_LABELS) is not None

    def _label_within(self, start: int, limit: int, labels: frozenset[str]) -> int | None:
        seen = 0
        for probe in range(start, self.count):
            line = self.lines[probe]
            if not line.strip():
                continue
            if _label(line) in labels:
                return probe
            seen += 1
            if seen >= limit:
                return None
        return None

    def _attribution_span(self, index: int) -> int:
        if index in self._headers:
            return self._headers[index]
        span = 0
        if _is_attribution(self.lines[index]):
            span = 1
        elif _may_start_attribution(self.lines[index]):
            joined = self.lines[index]
            for extra in range(1, MAX_HEADER_LINES):
                nxt = index + extra
                if nxt >= self.count or not self.lines[nxt].strip() or len(self.lines[nxt]) > 300:
                    break
                later = self.lines[nxt]
                quoted = _QUOTE_RE.match(later) and not later.lstrip().startswith((">:", ">："))
                if quoted or (_is_attribution(later) and _DATE_HINT_RE.search(later)):
                    break  # a complete header starts on that later line, not here
                joined = joined + " " + self.lines[nxt].strip()
                if _is_attribution(joined):
                    span = extra + 1
                    break
        self._headers[index] = span
        return span

    # ---- signatures ---------------------------------------------------------------------------------------

    def signature_cut(self, start: int, end: int) -> int:
        """Index where the signature of lines[start:end] begins (end when there is none); never empties."""
        for index in range(start, end):
            if self._is_signature_start(index, end):
                has_text_above = any(line.strip() for line in self.lines[start:index])
                return index if has_text_above else end
        return end

    def _is_signature_start(self, index: int, end: int) -> bool:
        line = self.lines[index]
        if not line or len(line) > 200 or _QUOTE_RE.match(line):
            return False
        if self.raw[index] == "-- ":  # RFC 3676 delimiter: trust it
            return self._lines_after(index, end) <= 40
        stripped = line.strip()
        if _SHORT_DELIMITER_RE.match(line) or _UNDERSCORES_RE.match(line):
            return self._short_block_after(index, end, 15, delimiters=False)
        if stripped.startswith(vocab.MOBILE_SIGNATURES) and len(stripped) <= 100 and not _is_sentence(stripped):
            return True  # nothing a sender types comes after "Sent from my phone": the rest is history
        if _is_sign_off(stripped):
            return self._short_block_after(index, end, 10, delimiters=True)
        return False

    def _lines_after(self, index: int, end: int) -> int:
        return sum(1 for line in self.lines[index + 1 : end] if line.strip() and not _QUOTE_RE.match(line))

    def _short_block_after(self, index: int, end: int, limit: int, delimiters: bool) -> bool:
        """A signature is a few short lines (name, title, phone), no sentences; after a delimiter no other."""
        count = 0
        for line in self.lines[index + 1 : end]:
            if not line.strip() or _QUOTE_RE.match(line):
                continue
            if _SHORT_DELIMITER_RE.match(line) or _UNDERSCORES_RE.match(line):
                if not delimiters:
                    return False
                continue
            count += 1
            if count > limit or _is_prose(line):
                return False
        return True

    # ---- inline replies -------------------------------------------------------------------------------------

    def inline_answers_end(self, start: int) -> int | None:
        """End of the last answer written between quotes (bottom-posting, inline replies), if any."""
        index, last_end = start, None
        while index < self.count:
            line = self.lines[index]
            if not line.strip() or _QUOTE_RE.match(line):
                index += 1
                continue
            kind, span = self.boundary(index)
            if kind == "history":
                break
            if kind == "quote":
                index += max(span, 1)
                continue
            if self._is_signature_start(index, self.count) or _is_disclaimer(line):
                break
            last_end = index + 1
            index += 1
        return last_end


def _label(line: str) -> str:
    if ":" not in line and "：" not in line:
        return ""
    match = _LABEL_RE.match(line)
    return match.group(1).strip().lower() if match else ""


def _is_attribution(text: str) -> bool:
    """"On <date>, <name> wrote:" and its translations; "<date> <name> <address>:" without a verb."""
    if len(text) > 500:
        return False
    core = text.strip().lstrip(">").strip().strip("-").strip()
    if not core or not (_DIGIT_RE.search(core) or "@" in core):
        return False
    has_colon = core.endswith((":", "："))
    tail = core.rstrip(" :：-").rstrip().lower()
    if tail.endswith(vocab.WROTE_VERBS):
        return has_colon or "@" in core or "<" in core
    return has_colon and "@" in core and _ADDRESS_END_RE.search(core) is not None


def _may_start_attribution(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 300 or stripped.endswith((".", "!", "?")):
        return False
    return _DIGIT_RE.search(stripped) is not None


def _is_sign_off(stripped: str) -> bool:
    if len(stripped) > 40:
        return False
    core = _TRAILING_SYMBOLS_RE.sub("", stripped).strip().lower()
    if core in vocab.SIGN_OFFS:
        return True
    if stripped.endswith(",") and core in vocab.COMMA_SIGN_OFFS:
        return True
    words = core.split()
    # "Kind regards", "Warm regards", "Bien cordialement", "Thanks and regards": one or two words before.
    return 1 < len(words) <= 3 and words[-1] in vocab.SIGN_OFF_LAST_WORDS


def _is_prose(line: str) -> bool:
    stripped = line.strip()
    return stripped.endswith((".", "!", "?")) and stripped.count(" ") >= 5


def _is_sentence(stripped: str) -> bool:
    """"Sent from the depot last week, they said." is prose; "Sent from my iPhone" is not."""
    return stripped.count(" ") >= 10 or (stripped.endswith((".", "!", "?")) and "," in stripped)


def _is_disclaimer(line: str) -> bool:
    lowered = line.lower()
    return any(word in lowered for word in vocab.DISCLAIMER_WORDS)
