"""Our objects in Mastodon's entity shapes (Account, Status, MediaAttachment, Notification, Relationship).

Rendering a list costs a fixed number of queries, whatever its length. Organisation posts show the
organisation as the account and the role label as the first line of the content (Mastodon's Status has no
author field besides `account`; clients show the content right under the account's name, so the label reads
as a byline in every app) and in an `openhouse` extension object; the member who wrote it never appears.
"""

from datetime import datetime
from typing import Any

from django.templatetags.static import static
from django.utils.html import escape, linebreaks

from openhouse.accounts.models import Account
from openhouse.api.http import Caller
from openhouse.media.models import MediaItem
from openhouse.media.services import avatar_url, rendition_url
from openhouse.posts import captions
from openhouse.posts.models import Post
from openhouse.posts.queries import post_counts, prefetch_for_statuses
from openhouse.social import queries as social_queries
from openhouse.social.models import Comment, Notification

MASTODON_VERSION = "4.3.0"

NOTIFICATION_TYPES = {
    Notification.Kind.LIKE: "favourite",
    Notification.Kind.COMMENT: "mention",
    Notification.Kind.REPLY: "mention",
    Notification.Kind.MENTION: "mention",
    Notification.Kind.FOLLOW: "follow",
    Notification.Kind.FOLLOW_REQUEST: "follow_request",
}


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def role_label_of(post: Post) -> str:
    """The public role label an organisation post was published under ('' when none)."""
    label = getattr(post, "role_label", None)
    return getattr(label, "name", label or "") if label is not None else ""


class Renderer:
    """Renders for one request: absolute URLs on the origin the client used, and per-request caches."""

    def __init__(self, request: Any, caller: Caller) -> None:
        self.base = request.build_absolute_uri("/").rstrip("/")
        self.caller = caller
        self.viewer = caller.account
        self._post_counts: dict[int, int] = {}

    def absolute(self, url: str) -> str:
        return url if url.startswith(("http://", "https://")) else self.base + url

    # Accounts ----------------------------------------------------------------------------------------

    def _count_posts(self, accounts: list[Account]) -> None:
        missing = [a.pk for a in accounts if a.pk not in self._post_counts]
        if missing:
            counts = post_counts(missing)
            self._post_counts.update({pk: counts.get(pk, 0) for pk in missing})

    def accounts(self, accounts: list[Account]) -> list[dict[str, Any]]:
        self._count_posts(accounts)
        return [self.account(a) for a in accounts]

    def account(self, account: Account, *, source: bool = False) -> dict[str, Any]:
        self._count_posts([account])
        url = f"{self.base}/{account.handle}/"
        avatar = avatar_url(account, 320, "jpg")
        avatar = self.absolute(avatar) if avatar else self.absolute(static("api/avatar.png"))
        header = self.absolute(static("api/header.png"))
        fields = []
        if account.is_organisation and account.is_verified:
            # Mastodon shows a field with verified_at as verified (a green tick): the badge's equivalent.
            host = self.base.split("://", 1)[-1]
            fields.append(
                {
                    "name": "Verified organisation",
                    "value": f'<a href="{escape(url)}" rel="me nofollow noopener" target="_blank">'
                    f"{escape(host)}/{escape(account.handle)}</a>",
                    "verified_at": iso(account.date_joined),
                }
            )
        if account.link:
            fields.append(
                {
                    "name": "Website",
                    "value": f'<a href="{escape(account.link)}" rel="nofollow noopener" target="_blank">'
                    f"{escape(account.link)}</a>",
                    "verified_at": None,
                }
            )
        data: dict[str, Any] = {
            "id": str(account.pk),
            "username": account.handle,
            "acct": account.handle,
            "display_name": account.display_name,
            "locked": account.is_private,
            "bot": False,
            "discoverable": True,
            "indexable": False,
            "group": False,
            "created_at": iso(account.date_joined),
            "note": linebreaks(escape(account.bio)) if account.bio else "",
            "url": url,
            "uri": url,
            "avatar": avatar,
            "avatar_static": avatar,
            "header": header,
            "header_static": header,
            "followers_count": account.followers_count,
            "following_count": account.following_count,
            "statuses_count": self._post_counts.get(account.pk, 0),
            "last_status_at": None,
            "hide_collections": False,
            "noindex": False,
            "emojis": [],
            "roles": [],
            "fields": fields,
        }
        if source:
            data["source"] = {
                "privacy": "private" if account.is_private else "public",
                "sensitive": False,
                "language": "",
                "note": account.bio,
                "fields": [
                    {"name": f["name"], "value": account.link, "verified_at": None} for f in fields[-1:]
                ]
                if account.link
                else [],
                "follow_requests_count": social_queries.follow_request_count(account=account),
            }
        return data

    # Media -------------------------------------------------------------------------------------------

    def media(self, item: MediaItem) -> dict[str, Any]:
        def meta(name: str) -> dict[str, Any]:
            width, height = item.renditions.get(name, [item.width, item.height])
            return {"width": width, "height": height, "size": f"{width}x{height}", "aspect": width / height}

        small = "w640" if "w640" in item.renditions else next(iter(item.renditions), "w1080")
        return {
            "id": str(item.pk),
            "type": "image",
            "url": self.absolute(rendition_url(item, "w1080", "jpg")),
            "preview_url": self.absolute(rendition_url(item, small, "jpg")),
            "remote_url": None,
            "preview_remote_url": None,
            "text_url": None,
            "meta": {"original": meta("w1080"), "small": meta(small)},
            "description": item.alt_text or None,
            "blurhash": None,
        }

    # Statuses ----------------------------------------------------------------------------------------

    def _html(self, text: str, *, prefix: str = "") -> str:
        parts = []
        for seg in captions.segments(text):
            if seg.kind == "hashtag":
                parts.append(
                    f'<a href="{self.base}/tags/{escape(seg.value)}/" class="mention hashtag" rel="tag">'
                    f"#<span>{escape(seg.text[1:])}</span></a>"
                )
            elif seg.kind == "mention":
                parts.append(
                    f'<span class="h-card"><a href="{self.base}/{escape(seg.value)}/" class="u-url mention">'
                    f"@<span>{escape(seg.text[1:])}</span></a></span>"
                )
            else:
                parts.append(escape(seg.text))
        body = "".join(parts)
        paragraphs = [p for p in body.split("\n\n") if p.strip()]
        html = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)
        return (f"<p>{escape(prefix)}</p>" if prefix else "") + html

    def statuses(self, posts: list[Post]) -> list[dict[str, Any]]:
        if not posts:
            return []
        prefetch_for_statuses(posts)
        stats = social_queries.post_stats(viewer=self.viewer, posts=posts)
        self._count_posts(list({p.author_id: p.author for p in posts}.values()))
        return [self._status(p, stats[p.pk]) for p in posts]

    def status(self, post: Post) -> dict[str, Any]:
        return self.statuses([post])[0]

    def _status(self, post: Post, stats: Any) -> dict[str, Any]:
        author = post.author
        url = f"{self.base}/p/{post.pk}/"
        label = role_label_of(post)
        signed_in = self.caller.signed_in
        data: dict[str, Any] = {
            "id": str(post.pk),
            "created_at": iso(post.created_at),
            "edited_at": None,
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "sensitive": False,
            "spoiler_text": "",
            "visibility": "private" if author.is_private else "public",
            "language": None,
            "uri": url,
            "url": url,
            "replies_count": stats.comments,
            "reblogs_count": 0,
            "favourites_count": stats.likes,
            "content": self._html(post.caption, prefix=label),
            "reblog": None,
            "application": None,
            "account": self.account(author),
            "media_attachments": [self.media(m) for m in post.media.all()],
            "mentions": [
                {"id": str(a.pk), "username": a.handle, "acct": a.handle, "url": f"{self.base}/{a.handle}/"}
                for a in post.mentions.all()
            ],
            "tags": [{"name": t.name, "url": f"{self.base}/tags/{t.name}/"} for t in post.hashtags.all()],
            "emojis": [],
            "card": None,
            "poll": None,
            "filtered": [],
            "openhouse": {"role_label": label or None, "comments_enabled": post.comments_enabled},
        }
        if signed_in:
            data |= {
                "favourited": stats.liked,
                "reblogged": False,
                "muted": False,
                "bookmarked": False,
                "pinned": False,
            }
        return data

    def comments(self, comments: list[Comment]) -> list[dict[str, Any]]:
        """Comments as Mastodon replies: statuses without photos, answering the post or a comment."""
        return [self._comment(c) for c in comments]

    def _comment(self, comment: Comment) -> dict[str, Any]:
        post = comment.post
        parent_id = comment.parent_id or post.pk
        parent_author = comment.parent.author_id if comment.parent_id else post.author_id
        url = f"{self.base}/p/{post.pk}/#c{comment.pk}"
        data = {
            "id": str(comment.pk),
            "created_at": iso(comment.created_at),
            "edited_at": None,
            "in_reply_to_id": str(parent_id),
            "in_reply_to_account_id": str(parent_author),
            "sensitive": False,
            "spoiler_text": "",
            "visibility": "private" if post.author.is_private else "public",
            "language": None,
            "uri": url,
            "url": url,
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
            "content": self._html(comment.body),
            "reblog": None,
            "application": None,
            "account": self.account(comment.author),
            "media_attachments": [],
            "mentions": [],
            "tags": [],
            "emojis": [],
            "card": None,
            "poll": None,
            "filtered": [],
        }
        if self.caller.signed_in:
            data |= {"favourited": False, "reblogged": False, "muted": False, "bookmarked": False}
        return data

    # Notifications and relationships -----------------------------------------------------------------

    def notifications(self, rows: list[Notification]) -> list[dict[str, Any]]:
        posts = [n.post for n in rows if n.post is not None and n.comment_id is None]
        rendered = {s["id"]: s for s in self.statuses(list({p.pk: p for p in posts}.values()))}
        self._count_posts([n.actor for n in rows])
        out = []
        for n in rows:
            kind = NOTIFICATION_TYPES.get(n.kind, "mention")
            data: dict[str, Any] = {
                "id": str(n.pk),
                "type": kind,
                "created_at": iso(n.created_at),
                "group_key": f"ungrouped-{n.pk}",
                "account": self.account(n.actor),
            }
            if n.comment_id is not None and n.comment is not None:
                if n.post is not None:
                    n.comment.post = n.post  # the same post, already loaded
                data["status"] = self._comment(n.comment)
            elif n.post_id is not None:
                data["status"] = rendered.get(str(n.post_id))
            out.append(data)
        return out


def relationship(account: Account, rel: Any) -> dict[str, Any]:
    return {
        "id": str(account.pk),
        "following": rel.following,
        "showing_reblogs": rel.following,
        "notifying": False,
        "languages": None,
        "followed_by": rel.followed_by,
        "blocking": rel.blocking,
        "blocked_by": False,  # an account that blocked the viewer is a 404 before this is asked
        "muting": rel.muting,
        "muting_notifications": rel.muting,
        "requested": rel.requested,
        "requested_by": rel.requested_by,
        "domain_blocking": False,
        "endorsed": False,
        "note": "",
    }
