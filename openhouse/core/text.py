"""Cleaning of user-typed text: one rule for every field that people read."""

import unicodedata

from openhouse.core.errors import Invalid

# Format characters (Cf: bidirectional overrides, zero-width joiners and spaces) let text display as
# something it is not; control characters (Cc) have no business in a caption or a name.
_REFUSED_CATEGORIES = {"Cf", "Cc", "Co", "Cs"}
_ALLOWED_CONTROLS = {"\n", "\t"}


def normalise(value: str) -> str:
    """The text as it is kept and counted: NFC, Unix line ends, trimmed."""
    return unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()


def clean_text(value: str, *, field: str, label: str, limit: int, multiline: bool = False) -> str:
    """Normalise, refuse invisible and control characters, and enforce a length limit."""
    text = normalise(value)
    for ch in text:
        if unicodedata.category(ch) in _REFUSED_CATEGORIES and not (multiline and ch in _ALLOWED_CONTROLS):
            raise Invalid(
                f"{label} can't contain invisible or direction-changing characters (U+{ord(ch):04X}).",
                field=field,
            )
    if len(text) > limit:
        raise Invalid(f"{label} is at most {limit:,} characters; this is {len(text):,}.", field=field)
    return text
