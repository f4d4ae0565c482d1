"""Forwarded mails written inline: the original's sender, recipients, subject, date, body and the note above.

Separators and header labels follow crisp-oss/email-forward-parser (MIT licence, Copyright (c) Crisp IM SAS),
ported to line rules. How sure we must be depends on the subject: a reply ("Re:") is never a forward; a
forward prefix ("Fwd:", "TR:", "WG:", …) lets weaker separators count ("From: … Sent: …" blocks, Outlook's
"On …, "Name" <address> wrote:"); a plain subject needs an unambiguous "Forwarded message" separator.
"""

# ruff: noqa: RUF001  (mail clients write in many scripts: the letters are meant)

from __future__ import annotations

import re
from dataclasses import dataclass

from . import vocabulary as vocab
from .model import Address, ForwardedMail

MAX_ANALYSED_CHARS = 100_000
MAX_LINE = 2_000
MAX_HEADER_LINES = 15

_FORWARD_PREFIXES = frozenset(
    ("fw", "fwd", "tr", "wg", "rv", "i", "vs", "pd", "enc", "redir", "vb", "vl", "videresend", "İlt".lower(), "ilt",
     "doorst", "wtd", "fs", "reenv", "inoltro", "πρθ", "転送", "转发", "轉寄", "пересл", "пер")
)
_REPLY_PREFIXES = frozenset(
    ("re", "aw", "sv", "antw", "odp", "ynt", "yanıt", "vá", "res", "r", "rif", "réf", "ref", "atb", "odg", "vs.",
     "відп", "отв", "回复", "答复", "回覆", "답장", "返信", "σχετ", "rv.", "reply")
)
_SUBJECT_PREFIX_RE = re.compile(
    r"^\s*(?:\[[^\]]{0,40}\]\s*)?([^\s:：\[\]]{1,12}?)\.?\s?(?:\[\d{1,3}\]|\(\d{1,3}\))?\s?[:：]\s*"
)
_SEPARATOR_RE = re.compile(r"^[ \t>]*[-=_*]{2,}[ \t]*([^-=_*].{0,60}?)[ \t]*[-=_*]{2,}[ \t]*(.*)$")
_UNDERSCORES_RE = re.compile(r"^[ \t>]*_{10,}[ \t]*$")
_LABEL_RE = re.compile(
    r"^[ \t]*\*?[ \t]*(?:([^:：\n]{1,30}?)[ \t]*\*?[ \t]*[:：]|(Assunto)(?= ))[ \t]*\*?[ \t]*(.*)$"
)
_BOM_RE = re.compile("[\ufeff\u200b]")
_ADDRESS_IN_BRACKETS_RE = re.compile(r"[<\[(](?:mailto:)?([^<>\[\]()\s]+@[^<>\[\]()\s]+)[>\])]")

_ADDR = r"(?:mailto:)?([^<>\[\]()\s,;]+@[^<>\[\]()\s,;]+)(?:<mailto:[^<>]*>)?"
_MAILBOX_PATTERNS = [
    re.compile(r"\"'(.+?)'\"\s*[<\[(]" + _ADDR + r"[>\])]"),
    re.compile(r"\"(.+?)\"\s*[<\[(]" + _ADDR + r"[>\])]"),
    re.compile(r"'(.+?)'\s*[<\[(]" + _ADDR + r"[>\])]"),
    re.compile(r"«\s*(.+?)\s*»\s*[<\[(]" + _ADDR + r"[>\])]"),
    re.compile(r"„(.+?)”\s*[<\[(]" + _ADDR + r"[>\])]"),
    re.compile(r"([^<\[(@;\"]*?)\s*[<\[(]" + _ADDR + r"[>\])]"),
    re.compile(r"([^\s<>\[\](),;\"']+@[^\s<>\[\](),;\"']+)(?:\s*[<\[(][^<>\[\]()]*[>\])])?"),
]
_NAME_MARKERS = (" skrev ", " schrieb ", " heeft ", " používateľ ", " пользователь ", " időpontban ", " o ")


@dataclass
class _Separator:
    line: int
    strength: str  # "strong" | "medium" | "weak"
    rest: str = ""  # header text written on the separator line itself (Yahoo)
    attribution: str = ""  # Outlook 2019: the separator is "On …, "Name" <address> wrote:"


def subject_kind(subject: str | None) -> str:
    """"forward", "reply" or "" from the first prefix of a subject."""
    if not subject:
        return ""
    match = _SUBJECT_PREFIX_RE.match(subject)
    if not match:
        return ""
    prefix = match.group(1).lower().rstrip(".")
    if prefix in _REPLY_PREFIXES and prefix not in ("vs",):
        return "reply"
    if prefix in _FORWARD_PREFIXES:
        return "forward"
    return ""


def strip_subject_prefixes(subject: str) -> str:
    previous = None
    while subject and subject != previous:
        previous = subject
        match = _SUBJECT_PREFIX_RE.match(subject)
        prefix = match.group(1).lower().rstrip(".") if match else ""
        if match and (prefix in _FORWARD_PREFIXES or prefix in _REPLY_PREFIXES):
            subject = subject[match.end() :]
    return subject.strip()


def detect_forward(text: str, subject: str | None) -> ForwardedMail | None:
    """The forwarded original written inline in this body, or None. subject=None means unknown."""
    kind = subject_kind(subject)
    if kind == "reply" or not text:
        return None
    body = _BOM_RE.sub("", text[:MAX_ANALYSED_CHARS].replace("\r\n", "\n").replace("\r", "\n"))
    lines = body.split("\n")
    allowed = {"strong"}
    if subject is None:
        allowed.add("medium")  # unknown subject (no header at all): unambiguous Outlook forms count too
    elif kind == "forward":
        allowed.update(("medium", "weak"))
    separator = _find_separator(lines, 0, allowed)
    if separator is None:
        return None
    return _parse_forward(lines, separator, subject)


def _find_separator(lines: list[str], start: int, allowed: set[str]) -> _Separator | None:
    for index in range(start, len(lines)):
        found = _separator_at(lines, index, strong_only=allowed == {"strong"})
        if found is not None and found.strength in allowed:
            return found
    return None


def _separator_at(lines: list[str], index: int, strong_only: bool = False) -> _Separator | None:
    line = lines[index]
    if not line.strip() or len(line) > MAX_LINE:
        return None
    lowered = line.strip().lstrip(">").strip().lower()
    if lowered.rstrip(" :：") in vocab.FORWARD_INTROS:
        return _Separator(index, "strong")
    match = _SEPARATOR_RE.match(line)
    if match:
        phrase = match.group(1).strip().lower()
        if phrase in vocab.FORWARD_SEPARATOR_PHRASES or phrase.startswith(("forwarded message", "forwarded by")):
            return _Separator(index, "strong", rest=match.group(2))
        if phrase in vocab.SEPARATOR_PHRASES or phrase.startswith("original message"):
            return _Separator(index, "medium", rest=match.group(2))
    if strong_only:
        return None
    if _UNDERSCORES_RE.match(line) and _header_follows(lines, index + 1):
        return _Separator(index, "medium")
    if _label_field(line) == "from" and _header_follows(lines, index + 1, glued=line):
        return _Separator(index - 1, "weak")  # the block itself: no separator line above it
    if ("@" in line or "<" in line) and _is_attribution(line):
        # Outlook 2019 quotes the name ('On …, "Name" <address> wrote:'); replies rarely do.
        quoted_name = re.search(r"[\"»”]\s*[<\[(]", line) is not None
        return _Separator(index, "medium" if quoted_name else "weak", attribution=line)
    return None


def _header_follows(lines: list[str], start: int, glued: str = "") -> bool:
    if glued and vocab.glued_labels(glued, glued.find(":") + 1):
        return True
    seen = 0
    for probe in range(start, min(len(lines), start + 8)):
        candidate = _dequote(lines[probe])
        if not candidate.strip():
            continue
        if _label_field(candidate):
            return True
        seen += 1
        if seen >= 2:
            return False
    return False


def _is_attribution(line: str) -> bool:
    core = line.strip().lstrip(">").strip()
    if not core.endswith((":", "：")) or len(core) > 400:
        return False
    lowered = core.lower()
    return any(verb in lowered for verb in vocab.WROTE_VERBS if len(verb) > 3) and bool(
        _ADDRESS_IN_BRACKETS_RE.search(core.replace("(<", "<").replace(">)", ">"))
    )


def _label_field(line: str) -> str:
    if ":" not in line and "：" not in line and "Assunto " not in line:
        return ""
    match = _LABEL_RE.match(_dequote(line))
    if not match:
        return ""
    label = (match.group(1) or match.group(2)).strip().lower()
    for field, labels in (
        ("from", vocab.FROM_LABELS),
        ("to", vocab.TO_LABELS),
        ("cc", vocab.CC_LABELS),
        ("subject", vocab.SUBJECT_LABELS),
        ("date", vocab.DATE_LABELS),
        ("reply-to", vocab.REPLY_TO_LABELS),
    ):
        if label in labels:
            return field
    return ""


def _dequote(line: str) -> str:
    stripped = line.lstrip()
    if stripped.startswith(">"):
        stripped = stripped[1:]
        return stripped[1:] if stripped.startswith(" ") else stripped
    return line[4:] if line.startswith("    ") else line


def _parse_forward(lines: list[str], separator: _Separator, subject: str | None) -> ForwardedMail:
    note = "\n".join(line.rstrip() for line in lines[: max(separator.line, 0)]).strip()
    fields: dict[str, str] = {}
    index = separator.line + 1
    if separator.attribution:
        fields.update(_attribution_fields(separator.attribution))
    else:
        header_lines: list[str] = [separator.rest] if separator.rest.strip() else []
        while index < len(lines) and not _dequote(lines[index]).strip() and not header_lines:
            index += 1  # blank lines between the separator and the header block
        while index < len(lines) and len(header_lines) < MAX_HEADER_LINES:
            candidate = _dequote(lines[index]).rstrip()
            if not candidate.strip():
                break
            if _label_field(candidate) or (header_lines and "@" in candidate and ":" not in candidate[:30]):
                header_lines.append(candidate)
                index += 1
                continue
            break
        fields = _header_fields(header_lines)
    body = _body(lines, index)
    original_subject = fields.get("subject", "") or (strip_subject_prefixes(subject) if subject else "")
    senders = _mailboxes(fields.get("from", ""))
    return ForwardedMail(
        sender=senders[0] if senders else (Address("", fields["from_name"]) if fields.get("from_name") else None),
        to=_mailboxes(fields.get("to", "")),
        cc=_mailboxes(fields.get("cc", "")),
        subject=original_subject.strip(),
        date=fields.get("date", "").strip(),
        text=body,
        note=note,
    )


def _header_fields(header_lines: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    current = ""
    for line in _split_glued(header_lines):
        field = _label_field(line)
        if field:
            match = _LABEL_RE.match(line)
            value = match.group(3).strip().lstrip("*").strip() if match else ""
            current = field
            if field not in fields:
                fields[field] = value
            else:
                current = ""  # a second From/To (nested headers) is not ours
        elif current in ("to", "cc", "from"):
            fields[current] += " " + line.strip()
    return fields


def _split_glued(header_lines: list[str]) -> list[str]:
    """Yahoo puts the whole block on one line: split it where the next label starts."""
    out: list[str] = []
    for line in header_lines:
        start = 0
        colon = line.find(":")
        for match in vocab.glued_labels(line, colon + 1 if colon >= 0 else 0):
            out.append(line[start : match.start()].rstrip())
            start = match.start()
        out.append(line[start:])
    return [line for line in out if line.strip()]


def _attribution_fields(line: str) -> dict[str, str]:
    core = line.strip().lstrip(">").strip().replace("(<", "<").replace(">)", ">")
    match = _ADDRESS_IN_BRACKETS_RE.search(core)
    if not match:
        return {"date": core}
    before = core[: match.start()].rstrip()
    name = ""
    for opener, closer in (('"', '"'), ("«", "»"), ("„", "”"), ("'", "'")):
        if before.endswith(closer) and opener in before[:-1]:
            cut = before[:-1].rfind(opener)
            name, before = before[cut + 1 : -1], before[:cut]
            break
    else:
        found = [before.rfind(marker) + len(marker) - 1 for marker in _NAME_MARKERS if marker in before]
        cut = max([before.rfind(","), *found])
        name, before = before[cut + 1 :], before[: max(cut, 0)]
    date = re.sub(r"^\S+\s", "", before.strip(" ,")) if before.strip(" ,") else ""
    return {"from": f'"{name.strip()}" <{match.group(1)}>', "date": date or core}


def _body(lines: list[str], start: int) -> str:
    end = len(lines)
    for index in range(start, len(lines)):
        line = lines[index]
        if _UNDERSCORES_RE.match(line):
            end = index
            break
        found = _separator_at(lines, index)
        if found is not None and not found.attribution:
            end = max(found.line, start)
            break
    chunk = lines[start:end]
    quoted = [line for line in chunk if line.strip()]
    if quoted and sum(1 for line in quoted if line.lstrip().startswith(">")) * 2 >= len(quoted):
        chunk = [_dequote(line) if line.lstrip().startswith(">") else line for line in chunk]
    elif quoted and all(line.startswith("    ") for line in quoted):
        chunk = [line[4:] for line in chunk]
    return "\n".join(line.rstrip() for line in chunk).strip()


def _mailboxes(value: str) -> list[Address]:
    value = value[:1_000].strip().replace("(<", "<").replace(">)", ">")
    found: list[Address] = []
    guard = 0
    while value and guard < 50:
        guard += 1
        value = value.lstrip(" ,;\t")
        if not value:
            break
        for pattern in _MAILBOX_PATTERNS:
            match = pattern.match(value)
            if match:
                groups = match.groups()
                address = (groups[1] if len(groups) > 1 else groups[0]).strip().lower()
                name = groups[0].strip().strip("\"'").strip() if len(groups) > 1 else ""
                found.append(Address(address, "" if name.lower() == address else name))
                # Whatever trails a mailbox up to the next separator is dropped ("… on behalf of x@y").
                rest = value[match.end() :]
                cuts = [i for i in (rest.find(","), rest.find(";")) if i >= 0]
                value = rest[min(cuts) :] if cuts else ""
                break
        else:
            name, _, value = value.partition(";") if ";" in value else value.partition(",")
            if name.strip():
                found.append(Address("", name.strip().strip("\"'")))
    return found
