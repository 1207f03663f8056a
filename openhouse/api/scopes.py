"""OAuth scopes as Mastodon names them, and the one rule for whether a token's scopes cover a need.

`read` covers every `read:*`, `write` every `write:*`; the old `follow` scope covers reading and writing
follows, blocks and mutes. An app may ask for a granular scope when it registered its parent.
"""

from oauth2_provider.scopes import BaseScopes

SCOPES = {
    "read": "Read everything your account can see",
    "write": "Post, like, follow and change your profile",
    "follow": "Follow, block and mute accounts, and see whom you follow, block and mute",
    "push": "Receive push notifications",
    "profile": "Know who you are (your handle and name only)",
    "read:accounts": "See accounts' profiles",
    "read:blocks": "See whom you block",
    "read:favourites": "See the posts you liked",
    "read:follows": "See whom you follow",
    "read:mutes": "See whom you mute",
    "read:notifications": "Read your notifications",
    "read:search": "Search as you",
    "read:statuses": "Read posts and timelines",
    "write:accounts": "Change your profile",
    "write:blocks": "Block and unblock accounts",
    "write:favourites": "Like and unlike posts",
    "write:follows": "Follow and unfollow accounts",
    "write:media": "Upload photos",
    "write:mutes": "Mute and unmute accounts",
    "write:notifications": "Clear and dismiss your notifications",
    "write:statuses": "Publish and delete posts",
}
DEFAULT = "read"
FOLLOW_COVERS = {
    "read:blocks",
    "write:blocks",
    "read:follows",
    "write:follows",
    "read:mutes",
    "write:mutes",
}


def covers(granted: set[str], needed: str) -> bool:
    """Whether scopes `granted` allow an action needing `needed` (e.g. 'write:statuses')."""
    if needed in granted:
        return True
    parent = needed.split(":", 1)[0]
    if ":" in needed and parent in granted:
        return True
    return needed in FOLLOW_COVERS and "follow" in granted


def parse(raw: str) -> list[str]:
    """Scopes of a space- or plus-separated string, unknown ones dropped, order kept."""
    return [s for s in dict.fromkeys(raw.replace("+", " ").split()) if s in SCOPES]


def registered(application) -> set[str]:
    """What an app may ask for: its registered scopes and the granular scopes of registered parents."""
    registration = getattr(application, "registration", None)
    names = set(parse(registration.scopes if registration else DEFAULT))
    return {s for s in SCOPES if s in names or covers(names, s)}


class MastodonScopes(BaseScopes):
    """django-oauth-toolkit's scope backend: an app's scopes are those it registered."""

    def get_all_scopes(self) -> dict[str, str]:
        return dict(SCOPES)

    def get_available_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        if application is None:
            return list(SCOPES)
        return sorted(registered(application))

    def get_default_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        return [DEFAULT]
