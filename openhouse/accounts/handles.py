"""Handle rules: 1-30 of a-z 0-9 . _, no reserved words; explained character by character when refused."""

import re
import unicodedata

from openhouse.accounts.models import HANDLE_MAX
from openhouse.core.errors import Invalid

_HANDLE = re.compile(r"[a-z0-9._]{1,30}")

# Names that are routes, roles or would confuse people; compared after lower-casing.
RESERVED = frozenset(
    [
        "about",
        "accounts",
        "admin",
        "administrator",
        "api",
        "apps",
        "assets",
        "auth",
        "careers",
        "contact",
        "developer",
        "developers",
        "direct",
        "explore",
        "help",
        "home",
        "inbox",
        "login",
        "logout",
        "media",
        "messages",
        "new",
        "nodeinfo",
        "notifications",
        "oauth",
        "official",
        "openhouse",
        "p",
        "post",
        "posts",
        "privacy",
        "q",
        "qa",
        "reels",
        "report",
        "root",
        "search",
        "security",
        "settings",
        "signup",
        "static",
        "stories",
        "support",
        "system",
        "tags",
        "terms",
        "well-known",
        "www",
    ]
)


def normalise_handle(raw: str) -> str:
    """Return the canonical handle for `raw`, or raise Invalid with a sentence naming the problem."""
    handle = raw.strip().lstrip("@").lower()
    if not handle:
        raise Invalid("Choose a handle.", field="handle")
    if len(handle) > HANDLE_MAX:
        raise Invalid(
            f"Handles are at most {HANDLE_MAX} characters; this one has {len(handle)}.", field="handle"
        )
    if not _HANDLE.fullmatch(handle):
        bad = next(ch for ch in handle if not _HANDLE.fullmatch(ch))
        name = unicodedata.name(bad, "an invisible control character")
        raise Invalid(
            f"Handles may use only the letters a-z, digits 0-9, full stops and underscores; "
            f"U+{ord(bad):04X} ({name}) is not allowed.",
            field="handle",
        )
    if handle in RESERVED or handle.strip("._") in RESERVED:
        raise Invalid(f"'{handle}' is reserved; choose another handle.", field="handle")
    return handle
