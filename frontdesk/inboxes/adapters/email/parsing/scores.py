"""How well parsing does on real mail: `python -m frontdesk.inboxes.adapters.email.parsing.scores [folder]`.

Reads ../shared/testdata/email (next to the repository) and prints reply, forward and bounce scores against
the expectation files there. The regression test asserts floors on the same numbers.
"""

from __future__ import annotations

import functools
import json
import sys
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from .model import AutoKind, ParsedEmail
from .parser import parse_email
from .quotes import split_reply

REPO_ROOT = Path(__file__).resolve().parents[5]
TESTDATA_EMAIL = REPO_ROOT.parent / "shared" / "testdata" / "email"

# Structural checks for the reply fixtures upstream asserts without an exact text: (where, text, expected).
# "reply" is the top-posted part, "visible" what a reader sees; True means the text must be there.
REPLY_CHECKS: dict[str, list[tuple[str, str, bool]]] = {
    "email_4.txt": [("reply", "Awesome! I haven't had another problem", True), ("reply", "Loader", False)],
    "email_5.txt": [("reply", "This is a paragraph that talks about a bunch of stuff", True)],
    "email_6.txt": [("reply", "I get proper rendering as well.", True), ("visible", "Was this caching", False)],
    "correct_sig.txt": [("reply", "this is an email with a correct -- signature.", True), ("reply", "rick", False)],
    "sig_no_empty_line.txt": [("reply", "with no empty line above", True), ("reply", "rick", False)],
    "email_one_is_not_on.txt": [("reply", "One outstanding question", True), ("reply", "On Oct 1, 2012", False)],
    "email_not_a_signature.txt": [("reply", "Registration Jun 27, 2018 facebok.com", True)],
    "email_not_a_signature_2.txt": [("reply", "-- and also third point", True), ("reply", "I hope you can", True)],
    "email_reply_header.txt": [("reply", "On the other hand, it could happen TWICE!", True),
                               ("reply", "On Wed, Dec 9", False)],
    "email_french_2.txt": [("visible", "et mollis ligula rutrum quis.", True), ("visible", "Le 29 avr.", False)],
    "email_tricky_1_on_false_positive.txt": [("reply", "performance is great.", True)],
    "email_tricky_2_url_with_wrote.txt": [("reply", "https://example.com/blog/on-date-someone-wrote", True),
                                          ("reply", "It's really interesting", True)],
    "email_tricky_3_code_block.txt": [("reply", "function sendEmail", True)],
    "email_tricky_4_from_in_body.txt": [("reply", "This is the actual message content.", True)],
    "email_tricky_6_regards_in_sentence.txt": [("reply", "This is the actual content that should be visible.", True)],
    "email_tricky_7_multiple_dashes.txt": [("reply", "Key Points", True),
                                           ("reply", "these equal signs are just separators", True)],
    "email_tricky_8_sent_from_in_content.txt": [("reply", "All messages are sent from the main server.", True)],
    "email_tricky_9_nested_quotes.txt": [("reply", "I agree with the points below.", True),
                                         ("visible", "Thanks for forwarding", False)],
    "email_tricky_11_double_signature.txt": [("reply", "Thanks for your help!", True),
                                             ("reply", "Senior Developer", False)],
    "email_tricky_13_timestamp_variations.txt": [("reply", "not quote headers.", True)],
    "email_tricky_16_unicode_signatures.txt": [("reply", "Thanks for the update!", True)],
    "email_tricky_17_forward_header.txt": [("reply", "See the forwarded message below.", True),
                                           ("reply", "This is the forwarded content", False)],
    "email_tricky_18_inline_reply.txt": [("visible", "Option B has some drawbacks.", True),
                                         ("visible", "Option C is not suitable", True)],
    "email_tricky_19_quote_without_header.txt": [("visible", "My response to the quoted text above.", True),
                                                 ("visible", "And my final thoughts.", True)],
    "email_tricky_20_html_entities.txt": [("reply", "&gt; 100 and &lt; 200", True)],
}


@dataclass
class Rate:
    hits: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, name: str) -> None:
        self.total += 1
        self.hits += ok
        if not ok:
            self.misses.append(name)

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.hits}/{self.total} ({self.value:.1%})"


# ---- reply text --------------------------------------------------------------------------------------------


def reply_scores(base: Path = TESTDATA_EMAIL) -> dict[str, Rate]:
    folder = base / "reply-crisp"
    cases = json.loads((folder / "expected.json").read_text())["cases"]
    exact, visible_everywhere, structural = Rate(), Rate(), Rate()
    for case in cases:
        split = split_reply((folder / case["file"]).read_text(encoding="utf-8"))
        expected_key = next((k for k in ("first_fragment", "first_fragment_trimmed", "visible_text") if k in case), "")
        if expected_key:
            expected = case[expected_key].strip()
            got = split.visible if expected_key == "visible_text" else split.reply
            exact.add(got.strip() == expected, case["file"])
            visible_everywhere.add(split.visible.strip() == expected, case["file"])
        for where, text, present in REPLY_CHECKS.get(case["file"], []):
            value = split.reply if where == "reply" else split.visible
            verb = "has" if present else "lacks"
            structural.add((text in value) == present, f"{case['file']}: {where} {verb} {text!r}")
    return {"exact": exact, "exact_using_visible_text": visible_everywhere, "structural": structural}


# ---- forwards ----------------------------------------------------------------------------------------------


def forward_scores(base: Path = TESTDATA_EMAIL) -> dict[str, Rate]:
    folder = base / "forward-crisp"
    data = json.loads((folder / "expected.json").read_text())
    const = data["constants"]
    rates: dict[str, Rate] = {
        name: Rate() for name in ("detection", "subject", "sender", "body", "note", "recipients", "all_fields")
    }
    skipped = Rate()
    for case in data["cases"]:
        name = f"{case['body_file']} + {case['subject_file']}"
        body_path = folder / case["body_file"]
        if not body_path.exists():
            skipped.add(False, name)  # the expectation file names a fixture that is not there
            continue
        subject = (folder / case["subject_file"]).read_text(encoding="utf-8").strip() if case["subject_file"] else None
        parsed = parse_email(_mail(body_path.read_text(encoding="utf-8"), subject))
        found = parsed.forwarded
        rates["detection"].add((found is not None) == case["forwarded"], name)
        if not case["forwarded"] or found is None:
            continue
        checks = _forward_checks(case, const, found)
        for field_name, ok in checks.items():
            rates[field_name].add(ok, name)
        rates["all_fields"].add(all(checks.values()), name)
    rates["skipped_missing_fixture"] = skipped
    return rates


def _mail(body: str, subject: str | None) -> bytes:
    message = EmailMessage()
    message["From"] = "Forwarder <forwarder@example.com>"
    message["To"] = "support@acme.test"
    if subject is not None:
        message["Subject"] = subject
    message.set_content(body)
    return message.as_bytes()


def _forward_checks(case: dict, const: dict[str, str], found) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    variant = case["variant"]
    outlook_2019 = case["body_file"].startswith("outlook_2019_")
    sender = found.sender
    from_name = "John, Doe" if "variant 11" in variant else ("" if "variant 5" in variant else const["FROM_NAME"])
    checks = {
        "subject": found.subject == const["SUBJECT"],
        "body": found.text == const["BODY"],
        "sender": sender is not None
        and sender.name == from_name
        and ("variant 12" in variant or sender.address == const["FROM_ADDRESS"]),
    }
    if "variant 2" in variant:
        checks["note"] = found.note == const["MESSAGE"]
    expected_to, expected_cc = _expected_recipients(variant, const)
    if not outlook_2019 and expected_to is not None:
        got_to = [(a.address, a.name) for a in found.to[: len(expected_to)]]
        got_cc = [(a.address, a.name) for a in found.cc[: len(expected_cc or [])]]
        checks["recipients"] = got_to == expected_to and (expected_cc is None or got_cc == expected_cc)
    return checks


def _expected_recipients(variant: str, c: dict[str, str]) -> tuple[list | None, list | None]:
    to1, to2 = (c["TO_ADDRESS_1"], c["TO_NAME_1"]), (c["TO_ADDRESS_2"], c["TO_NAME_2"])
    cc1, cc2 = (c["CC_ADDRESS_1"], c["CC_NAME_1"]), (c["CC_ADDRESS_2"], c["CC_NAME_2"])
    if variant.startswith("common"):
        return [(to1[0], "")], [cc1, cc2]
    if "variant 1 " in variant:
        return [(to1[0], ""), (to2[0], "")], None
    if "variant 3" in variant:
        return [to1, (to2[0], "")], [(cc1[0], ""), cc2]
    if "variant 7" in variant:
        return [(to1[0], "Bessie, Berry"), to2], [(cc1[0], ""), (cc2[0], "")]
    if "variant 11" in variant:
        return [(to1[0], "Bessie, Berry"), (to2[0], "")], [(cc1[0], "Walter, Sheltan"), (cc2[0], "Nicholas, Landers")]
    return None, None


# ---- bounces, auto-replies, robustness -----------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def parse_folder(folder: str) -> dict[str, ParsedEmail]:
    """Every file under a folder, parsed once per process (tests and the report share it)."""
    root = Path(folder)
    paths = [path for path in sorted(root.rglob("*")) if path.is_file()]
    return {str(path.relative_to(root)): parse_email(path.read_bytes()) for path in paths}


def bounce_scores(base: Path = TESTDATA_EMAIL) -> dict[str, Rate]:
    folder = base / "bounces-sisimai"
    labels: dict[str, str] = json.loads((folder / "labels.json").read_text())
    corpus = parse_folder(str(base))  # the same cache as the robustness checks: every file is parsed once
    parsed = {name: corpus[f"bounces-sisimai/{name}"] for name in labels}
    kinds = {"bounce": AutoKind.BOUNCE, "auto-reply": AutoKind.AUTO_REPLY, "feedback-report": AutoKind.FEEDBACK_REPORT}
    rates = {
        name: Rate()
        for name in (
            "bounce_recall", "bounce_precision", "auto_reply_recall", "auto_reply_precision", "feedback_recall",
            "feedback_precision", "no_auto_ack", "not_bounce_ok", "bounce_has_recipient", "bounce_has_original_id",
        )
    }
    for name, label in labels.items():
        mail = parsed[name]
        for short, kind in (("bounce", AutoKind.BOUNCE), ("auto_reply", AutoKind.AUTO_REPLY),
                            ("feedback", AutoKind.FEEDBACK_REPORT)):
            if kinds.get(label) == kind:
                rates[f"{short}_recall"].add(mail.auto == kind, name)
            if mail.auto == kind:
                rates[f"{short}_precision"].add(kinds.get(label) == kind, name)
        if label in kinds:
            rates["no_auto_ack"].add(mail.auto != AutoKind.NONE, name)
        else:
            rates["not_bounce_ok"].add(mail.auto not in (AutoKind.BOUNCE, AutoKind.FEEDBACK_REPORT), name)
        if mail.auto == AutoKind.BOUNCE:
            rates["bounce_has_recipient"].add(bool(mail.bounce and mail.bounce.failed_recipients), name)
            rates["bounce_has_original_id"].add(bool(mail.bounce and mail.bounce.original_message_id), name)
    return rates


def mime_scores(base: Path = TESTDATA_EMAIL) -> dict[str, Rate]:
    parsed = parse_folder(str(base))
    clean, content = Rate(), Rate()
    for name, mail in parsed.items():
        if not name.endswith(".eml"):
            continue
        clean.add(not any(d.startswith("unparseable") for d in mail.defects), name)
        if name.startswith("mime-mikel/"):
            content.add(bool(mail.text.strip() or mail.attachments), name)
    return {"parsed_without_error": clean, "mime_mikel_with_text_or_attachments": content}


def main(argv: list[str]) -> int:
    folders = [arg for arg in argv[1:] if not arg.startswith("-")]
    base = Path(folders[0]) if folders else TESTDATA_EMAIL
    if not base.is_dir():
        print(f"test data not found: {base}")
        return 1
    sections = [
        ("Reply text (reply-crisp)", reply_scores(base)),
        ("Forwards (forward-crisp)", forward_scores(base)),
        ("Bounces and auto-replies (bounces-sisimai)", bounce_scores(base)),
        ("MIME robustness (all of email/)", mime_scores(base)),
    ]
    print("| set | metric | score |\n|---|---|---|")
    for title, rates in sections:
        for name, rate in rates.items():
            print(f"| {title} | {name.replace('_', ' ')} | {rate} |")
    if "-v" in argv:
        for title, rates in sections:
            for name, rate in rates.items():
                for miss in rate.misses:
                    print(f"miss {title} / {name}: {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
