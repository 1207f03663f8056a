"""Discovery: search for accounts and hashtags, hashtag pages (top and recent), and the explore grid.

Every list of posts here starts from posts.access.viewable_posts, so a private account's posts reach only
its accepted followers and blocked or inactive accounts never show. Account search applies the same rules
to the accounts themselves: inactive ones and those blocked either way are left out; private accounts may
be found (their profile says they are private), their posts may not.

Search uses the database's own full-text engine. PostgreSQL: a tsvector of handle and display name (the
expression the GIN index of migration feeds 0002 is built on) matched by a prefix tsquery. SQLite: the FTS5
table of the same migration, kept in step with accounts by triggers and ranked by bm25. User input never
reaches SQL text: it is cut into letter-and-digit words, which are passed as query parameters.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, Coalesce, Greatest, Power
from django.utils import timezone

from openhouse.accounts.models import Account, Block, Mute
from openhouse.posts.access import Viewer, viewable_posts
from openhouse.posts.models import Hashtag, Post
from openhouse.posts.queries import GRID_PAGE, with_media
from openhouse.social.models import CountDelta

QUERY_MAX = 100  # characters of a search query that are read; the rest is ignored
WORDS_MAX = 8
RESULTS_MAX = 20
TEXT_CANDIDATES = 100  # SQLite: best full-text matches ranked further (block rules, handle tiers)
TAG_CANDIDATES = 200  # hashtags sharing the prefix whose visible posts are counted
TOP_WINDOW = timedelta(days=90)
TOP_CANDIDATES = 1000  # newest posts of a tag among which the top ones are chosen
EXPLORE_WINDOW = timedelta(days=7)
EXPLORE_CANDIDATES = 500  # newest public posts among which explore ranks
EXPLORE_PAGES = EXPLORE_CANDIDATES // GRID_PAGE + 1

ACCOUNT_SEARCH_TABLE = "feeds_account_search"  # SQLite FTS5 table (migration feeds 0002)

_WORD = re.compile(r"[^\W_]+")  # runs of Unicode letters and digits: no operator survives
_HANDLE = re.compile(r"[a-z0-9._]{1,30}")
_TAG = re.compile(r"\w{1,100}")


# Queries -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchTerms:
    """A search box's text, reduced to what can be searched safely."""

    words: tuple[str, ...]  # lower-case letter/digit words, each searched as a prefix
    handle: str  # the text read as a handle ('' when it cannot be one): exact and prefix matches rank first
    tag: str  # the text read as a hashtag name ('' when none)

    @property
    def full_text(self) -> bool:
        """One-letter queries match too much to rank by text: they look up handles by prefix only."""
        return any(len(w) > 1 for w in self.words)


def parse_query(q: str) -> SearchTerms:
    """Any text, however long or odd, becomes bounded terms; operators, quotes and control characters go."""
    text = unicodedata.normalize("NFKC", q[: QUERY_MAX * 4])[:QUERY_MAX].strip()
    lowered = text.lower()
    words = tuple(dict.fromkeys(w[:64] for w in _WORD.findall(lowered)))[:WORDS_MAX]
    handle = lowered.lstrip("@")
    tag = "".join(re.findall(r"\w+", lowered))[:100]
    return SearchTerms(
        words=words,
        handle=handle if _HANDLE.fullmatch(handle) else "",
        tag=tag if _TAG.fullmatch(tag) else "",
    )


def _handle_prefix(prefix: str) -> Q:
    """Handles starting with `prefix`, in a form the handle's unique index answers on each database."""
    if connection.vendor == "postgresql":
        return Q(handle__startswith=prefix)  # LIKE 'p%' on Django's varchar_pattern_ops index
    # SQLite's LIKE ignores a BINARY index; a range on it does not. Handles are ASCII below '\x7f'.
    return Q(handle__gte=prefix, handle__lt=prefix + "\x7f")


# Account search ------------------------------------------------------------------------------------------


def _findable_accounts(viewer: Viewer) -> QuerySet[Account]:
    accounts = Account.objects.filter(is_active=True)
    if viewer.is_authenticated:
        accounts = accounts.exclude(
            pk__in=Block.objects.filter(blocker_id=viewer.pk).values("blocked_id")
        ).exclude(pk__in=Block.objects.filter(blocked_id=viewer.pk).values("blocker_id"))
    return accounts


def account_document() -> CombinedExpression:
    """PostgreSQL: the searchable text of an account, handle words weighted above display-name words.

    Dots and underscores split a handle into words ('priya.shots' -> 'priya shots'). The GIN index of
    migration feeds 0002 is built on exactly this expression; change both together.
    """
    handle_words = Func(F("handle"), Value("._"), Value("  "), function="translate")
    return SearchVector(handle_words, weight="A", config="simple") + SearchVector(
        "display_name", weight="B", config="simple"
    )


def _rank_postgresql(accounts: QuerySet[Account], terms: SearchTerms) -> list[Account]:
    # Each word is letters and digits only, so the raw tsquery holds no operator but the ones put here.
    query = SearchQuery(" & ".join(f"{w}:*" for w in terms.words), search_type="raw", config="simple")
    document = account_document()
    match = Q(document=query)
    tier: Case | Value = Value(0)
    if terms.handle:
        match |= _handle_prefix(terms.handle)
        tier = Case(
            When(handle=terms.handle, then=Value(2)),
            When(_handle_prefix(terms.handle), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return list(
        accounts.annotate(document=document, tier=tier, rank=SearchRank(document, query))
        .filter(match)
        .order_by("-tier", "-rank", "-followers_count", "handle")[:RESULTS_MAX]
    )


def _rank_sqlite(accounts: QuerySet[Account], terms: SearchTerms) -> list[Account]:
    # FTS5 query: each word quoted (it holds no quote) and marked as a prefix; words must all match.
    match = " ".join(f'"{w}"*' for w in terms.words)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, bm25({ACCOUNT_SEARCH_TABLE}, 4.0, 1.0) AS score FROM {ACCOUNT_SEARCH_TABLE}"  # noqa: S608 - a constant table name; the query text is a parameter
            f" WHERE {ACCOUNT_SEARCH_TABLE} MATCH %s ORDER BY score LIMIT %s",
            [match, TEXT_CANDIDATES],
        )
        scores: dict[int, float] = dict(cursor.fetchall())
    found = Q(pk__in=list(scores))
    if terms.handle:
        found |= Q(handle=terms.handle)
    h = terms.handle

    def order(a: Account) -> tuple:  # bm25: lower is better
        return (a.handle != h, not (h and a.handle.startswith(h)), scores.get(a.pk, 0.0), -a.followers_count)

    return sorted(accounts.filter(found), key=lambda a: (*order(a), a.handle))[:RESULTS_MAX]


def search_accounts(viewer: Viewer, q: str) -> list[Account]:
    """Up to RESULTS_MAX accounts matching `q`, best first.

    Order: the handle typed exactly, then handles starting with it, then full-text rank over handle and
    display-name words (each word of `q` a prefix: 'surv' finds 'Surveillance Team'), then more followers.
    One query on PostgreSQL, two on SQLite.
    """
    terms = parse_query(q)
    accounts = _findable_accounts(viewer)
    if not terms.full_text:
        if not terms.handle:
            return []
        return list(accounts.filter(_handle_prefix(terms.handle)).order_by("handle")[:RESULTS_MAX])
    if connection.vendor == "postgresql":
        return _rank_postgresql(accounts, terms)
    return _rank_sqlite(accounts, terms)


# Hashtag search ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HashtagHit:
    name: str
    posts: int  # posts with the tag that the viewer may see


def _visible_posts_by_tag(viewer: Viewer, tag_ids: list[int]) -> dict[int, int]:
    rows = (
        viewable_posts(viewer=viewer)
        .filter(hashtags__in=tag_ids)
        .values("hashtags")
        .annotate(n=Count("pk"))
        .values_list("hashtags", "n")
    )
    return dict(rows)


def search_hashtags(q: str, *, viewer: Viewer | None = None) -> list[HashtagHit]:
    """Up to RESULTS_MAX hashtags starting with `q` ('arch' finds #archives), best first.

    A tag is one word, so a prefix range on its unique index is the text search. Order: the tag typed
    exactly, then more posts. Counts are of posts the viewer may see (anonymous when no viewer); tags with
    none are left out, so a private account's tag does not surface. Two queries.
    """
    terms = parse_query(q)
    if not terms.tag:
        return []
    if connection.vendor == "postgresql":
        prefix = Q(name__startswith=terms.tag)
    else:
        prefix = Q(name__gte=terms.tag, name__lt=terms.tag + "\U0010ffff")
    candidates = dict(
        Hashtag.objects.filter(prefix).order_by("name").values_list("pk", "name")[:TAG_CANDIDATES]
    )
    if not candidates:
        return []
    counts = _visible_posts_by_tag(viewer or AnonymousUser(), list(candidates))
    hits = [HashtagHit(name=candidates[pk], posts=n) for pk, n in counts.items() if n]
    hits.sort(key=lambda h: (h.name != terms.tag, -h.posts, h.name))
    return hits[:RESULTS_MAX]


# Hashtag pages -------------------------------------------------------------------------------------------


def hashtag_name(raw: str) -> str | None:
    """`raw` as a stored hashtag name (lower case, no '#'), or None when it could never be one."""
    name = raw.removeprefix("#").lower()
    return name if _TAG.fullmatch(name) else None


def find_hashtag(name: str) -> Hashtag | None:
    """The hashtag called `name` (see hashtag_name), or None when no post has carried it."""
    return Hashtag.objects.filter(name=name).first()


def _engagement() -> CombinedExpression:
    """Likes + 2 x comments, exact: the settled counts plus deltas still waiting to be folded."""
    pending = (
        CountDelta.objects.filter(post=OuterRef("pk"))
        .values("post")
        .annotate(s=Sum(F("likes") + 2 * F("comments")))
        .values("s")
    )
    return F("likes_count") + 2 * F("comments_count") + Coalesce(Subquery(pending), 0)


def hashtag_recent(*, viewer: Viewer, tag: Hashtag, before: int | None = None) -> list[Post]:
    """The newest posts with the tag that the viewer may see, older than post id `before`. Two queries."""
    posts = viewable_posts(viewer=viewer).filter(hashtags=tag)
    if before is not None:
        posts = posts.filter(pk__lt=before)
    return list(with_media(posts.order_by("-id"))[:GRID_PAGE])


def hashtag_top(*, viewer: Viewer, tag: Hashtag, now: datetime | None = None) -> list[Post]:
    """The most engaging posts with the tag from the last TOP_WINDOW that the viewer may see. Two queries.

    Ranked among the newest TOP_CANDIDATES such posts, so a tag with millions of posts costs the same.
    """
    since = (now or timezone.now()) - TOP_WINDOW
    candidates = (
        viewable_posts(viewer=viewer)
        .filter(hashtags=tag, created_at__gte=since)
        .order_by("-id")
        .values("pk")[:TOP_CANDIDATES]
    )
    ranked = Post.objects.filter(pk__in=candidates).annotate(engagement=_engagement())
    return list(with_media(ranked.order_by("-engagement", "-id"))[:GRID_PAGE])


# Explore -------------------------------------------------------------------------------------------------


class HoursSince(Func):
    """Hours from a datetime column to `now` (never negative, as a float), on PostgreSQL and SQLite."""

    output_field = FloatField()

    def __init__(self, expression: str, now: datetime) -> None:
        super().__init__(Value(now, output_field=DateTimeField()), F(expression))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision) / 3600.0",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 24.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


def explore_score(now: datetime) -> CombinedExpression:
    """(likes + 2 x comments + 1) / (age in hours + 2) ** 1.5: engagement, decaying with age."""
    age = Greatest(HoursSince("created_at", now), Value(0.0))
    return Cast(_engagement() + 1, FloatField()) / Power(age + 2.0, Value(1.5))


def explore(*, viewer: Viewer, page: int = 1, now: datetime | None = None) -> list[Post]:
    """Engaging recent public posts, best first, for discovering accounts. Two queries.

    Candidates: the newest EXPLORE_CANDIDATES posts of the last EXPLORE_WINDOW by public, active authors
    the viewer may see (viewable_posts), leaving out the viewer's own and muted accounts' posts. A private
    account's posts are never here, even for its followers: explore shows what anyone may see.
    """
    now = now or timezone.now()
    posts = viewable_posts(viewer=viewer).filter(
        author__is_private=False, created_at__gte=now - EXPLORE_WINDOW
    )
    if viewer.is_authenticated:
        posts = posts.exclude(author_id=viewer.pk).exclude(
            author_id__in=Mute.objects.filter(muter_id=viewer.pk).values("muted_id")
        )
    candidates = posts.order_by("-id").values("pk")[:EXPLORE_CANDIDATES]
    ranked = Post.objects.filter(pk__in=candidates).annotate(score=explore_score(now))
    start = (min(max(page, 1), EXPLORE_PAGES) - 1) * GRID_PAGE
    return list(with_media(ranked.order_by("-score", "-id"))[start : start + GRID_PAGE])
