"""When two questions are the same question: a fingerprint of content words, compared exactly and by overlap.

"What's it like being an agent runner?" and "what is it like to be an agent-runner" share a fingerprint
(case, punctuation, word order, contractions, common words and plural -s are ignored). Beyond exact
fingerprints, two questions whose content words overlap by at least SIMILAR (Jaccard) are merged too. Both
steps are linear in the text and bounded: a question is at most 300 characters.
"""

import re
import unicodedata

SIMILAR = 0.85
# Fewer content words than this and overlap says little ("Why?" vs "How?"): only exact fingerprints merge.
MIN_WORDS_FOR_OVERLAP = 3

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CONTRACTIONS = {"what's": "what is", "it's": "it is", "don't": "do not", "can't": "can not"}
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "about",
        "as",
        "into",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "i",
        "me",
        "my",
        "we",
        "us",
        "our",
        "you",
        "your",
        "he",
        "she",
        "it",
        "its",
        "they",
        "them",
        "their",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "so",
        "if",
        "then",
        "than",
        "too",
        "very",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "just",
        "also",
        "any",
        "some",
        "what's",
        "is",
        "it",
        "not",
        "no",
        "yes",
        "ever",
        "really",
        "please",
        "hi",
        "hello",
    ]
)


def _words(text: str) -> list[str]:
    lowered = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    for short, long in _CONTRACTIONS.items():
        lowered = lowered.replace(short, long)
    out = []
    for word in _WORD.findall(lowered):
        if word in _STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


def fingerprint(text: str) -> str:
    return " ".join(sorted(set(_words(text))))


def similar(a: str, b: str) -> bool:
    """Whether fingerprints `a` and `b` name the same question."""
    if a == b:
        return True
    left, right = set(a.split()), set(b.split())
    if min(len(left), len(right)) < MIN_WORDS_FOR_OVERLAP:
        return False
    return len(left & right) / len(left | right) >= SIMILAR
