"""Watch-list patterns: checking that an organisation's entry is safe to run, and finding its hits.

Regular expressions come from organisation admins and run on every draft, so they are held to a budget:
at most WATCH_PATTERN_MAX characters, no back-references, and no repetition around anything that can
itself match in several ways (a nested quantifier or an alternation), which is where catastrophic
backtracking comes from. The texts they run on are bounded too (caption, alt texts, role label).
"""

import re
from dataclasses import dataclass
from re import _parser as sre_parse  # type: ignore[attr-defined]  # the stdlib's own parser, to inspect

from openhouse.core.errors import Invalid
from openhouse.core.text import clean_text
from openhouse.publishing.models import WATCH_PATTERN_MAX

_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT}
_REFUSED = {sre_parse.GROUPREF, sre_parse.GROUPREF_EXISTS}


def _walk(parsed: sre_parse.SubPattern | list, inside_repeat: bool) -> None:
    for op, arg in parsed:
        if op in _REFUSED:
            raise Invalid("Back-references aren't allowed in watch-list expressions.", field="pattern")
        if op in _REPEATS:
            _low, high, body = arg
            if inside_repeat:
                raise Invalid(
                    "Repetition inside repetition (like (a+)+) can take forever to check; simplify it.",
                    field="pattern",
                )
            if high != 0:  # x{0} matches nothing, so it cannot backtrack
                _walk(body, True)
        elif op == sre_parse.BRANCH:
            if inside_repeat:
                raise Invalid(
                    "Alternatives inside repetition (like (a|b)*) can take forever to check; "
                    "list them as separate entries.",
                    field="pattern",
                )
            for branch in arg[1]:
                _walk(branch, inside_repeat)
        elif op == sre_parse.SUBPATTERN:
            _walk(arg[-1], inside_repeat)
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            _walk(arg[1], inside_repeat)
        elif op == sre_parse.ATOMIC_GROUP:
            _walk(arg, inside_repeat)


def clean_pattern(pattern: str, *, is_regex: bool) -> str:
    """Return the pattern as stored, or raise Invalid with a sentence saying what to change."""
    text = clean_text(pattern, field="pattern", label="A watch-list entry", limit=WATCH_PATTERN_MAX)
    if not text:
        raise Invalid("Write a word, phrase or expression to watch for.", field="pattern")
    if is_regex:
        try:
            parsed = sre_parse.parse(text, re.IGNORECASE)
        except re.error as exc:
            raise Invalid(f"This isn't a valid regular expression: {exc.msg}.", field="pattern") from None
        _walk(parsed, False)
        if re.compile(text, re.IGNORECASE).search(""):
            raise Invalid("This expression matches empty text, so it would flag everything.", field="pattern")
    return text


@dataclass(frozen=True)
class Hit:
    field: str  # "caption", "role label", "alt text of photo 2"
    pattern: str
    start: int
    end: int
    text: str


def find_hits(entries: list[tuple[str, bool]], texts: dict[str, str]) -> list[Hit]:
    """Every occurrence of every (pattern, is_regex) entry in each named text, case-insensitively."""
    compiled = [
        (pattern, re.compile(pattern if is_regex else re.escape(pattern), re.IGNORECASE))
        for pattern, is_regex in entries
    ]
    hits: list[Hit] = []
    for field, text in texts.items():
        for pattern, regex in compiled:
            hits.extend(
                Hit(field, pattern, m.start(), m.end(), m.group(0))
                for m in regex.finditer(text)
                if m.end() > m.start()
            )
    return hits


@dataclass(frozen=True)
class Piece:
    text: str
    hit: bool


def highlight(text: str, hits: list[Hit]) -> list[Piece]:
    """The text cut into plain and flagged pieces (overlapping hits merge), for the review page."""
    spans = sorted((h.start, h.end) for h in hits)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        if start > pos:
            out.append(Piece(text[pos:start], False))
        out.append(Piece(text[start:end], True))
        pos = end
    if pos < len(text):
        out.append(Piece(text[pos:], False))
    return out
