"""Turning what a person typed into search terms that no query syntax can misread."""

from __future__ import annotations

from dataclasses import dataclass

# A search box is for a few words; longer input is cut rather than refused so that a pasted sentence still works.
MAX_TERMS = 12
MAX_TERM_LENGTH = 64
# Prefix matching on a very short word would expand to a large part of the vocabulary and make the search slow.
MIN_PREFIX_LENGTH = 3


@dataclass(frozen=True)
class Terms:
    """The words to find (every one must match) and whether the last one may be the start of a longer word."""

    words: tuple[str, ...]
    prefix_last: bool

    def __bool__(self) -> bool:
        return bool(self.words)


def _letters(word: str) -> int:
    return sum(1 for ch in word if ch.isalnum())


def parse_terms(query: str) -> Terms:
    """Split on white space; keep words holding at least one letter or digit, once each, in typed order.

    The backends quote every word themselves, so characters such as `"`, `*`, `:`, `-`, `(` and words such as
    AND, OR, NOT or NEAR are only ever text to find, never operators.
    """
    seen: dict[str, None] = {}
    for raw in (query or "").split():
        word = raw[:MAX_TERM_LENGTH]
        if _letters(word) and word.lower() not in seen:
            seen[word.lower()] = None
        if len(seen) == MAX_TERMS:
            break
    words = tuple(seen)
    # A query ending in a space means the last word is complete.
    prefix_last = bool(words) and _letters(words[-1]) >= MIN_PREFIX_LENGTH and not query[-1:].isspace()
    return Terms(words=words, prefix_last=prefix_last)
