"""Captions split into text, #hashtags and @mentions, for storing the tags and for rendering links.

The pattern is linear-time: one pass, no nested quantifiers, each token bounded in length.
"""

import re
from dataclasses import dataclass
from typing import Literal

# A hashtag is '#' and 1-100 word characters (Unicode letters and digits, '_'), not preceded by a word
# character (so 'a#b' and URLs with fragments stay text). A mention follows the handle rules.
_TOKEN = re.compile(r"(?<![\w#@/])(?:#(?P<tag>\w{1,100})|@(?P<handle>[A-Za-z0-9._]{1,30}))(?!\w)")


@dataclass(frozen=True)
class Segment:
    kind: Literal["text", "hashtag", "mention"]
    text: str  # what is shown
    value: str = ""  # the hashtag name or handle, lower case


def segments(caption: str) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    for match in _TOKEN.finditer(caption):
        if match.start() > pos:
            out.append(Segment("text", caption[pos : match.start()]))
        if match.group("tag"):
            out.append(Segment("hashtag", match.group(0), match.group("tag").lower()))
        else:
            handle = match.group("handle").rstrip(".").lower()
            shown = match.group(0)
            if len(handle) + 1 < len(shown):  # a sentence's full stop is not part of the handle
                out.append(Segment("mention", "@" + match.group("handle")[: len(handle)], handle))
                out.append(Segment("text", shown[len(handle) + 1 :]))
            else:
                out.append(Segment("mention", shown, handle))
        pos = match.end()
    if pos < len(caption):
        out.append(Segment("text", caption[pos:]))
    return out


def hashtags(caption: str) -> list[str]:
    return list(dict.fromkeys(s.value for s in segments(caption) if s.kind == "hashtag"))


def mentions(caption: str) -> list[str]:
    return list(dict.fromkeys(s.value for s in segments(caption) if s.kind == "mention"))
