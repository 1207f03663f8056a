"""Launch day: a running openhouse server on PostgreSQL + Redis under the load of a big announcement.

Scenario 1, "launch": 80,000 accounts follow an organisation; it posts; 20,000 likes (one each, from
distinct accounts), 5,000 comments and 1,000 follows arrive over HTTP from 32 concurrent writer clients
while 64 clients keep reading their home feeds (GET /). Before that, the same 64 readers read alone for a
few seconds, as a baseline. Printed per operation: throughput, p50/p99/max latency and the error count.
An ordinary account posts every 2 s meanwhile (fan-out on write into the readers' Redis timelines).
Afterwards pending like/comment tallies are folded and every counter is checked against the rows behind
it (likes and comments of every post, followers and following of every account), and the rows against
what the clients were answered.

The writers stop after BENCH_LAUNCH_SECONDS (--max-seconds, default 300 s) so that `make bench` ends in
about 10 minutes on 2 cores, where the server handles ~15-20 writes/s next to the readers; the summary
says how much of the work was done. BENCH_LAUNCH_SECONDS=0 runs all of it (about half an hour there).

In the same run PostgreSQL's raw single-row INSERT rate is measured twice, on the fresh database and after
the launch (pgbench, 8 clients, 10 s, one INSERT per transaction into a scratch table; an equivalent
psycopg loop when pgbench is missing), and the like rate is printed as a share of the higher.

Scenario 2, "big account": 3,200,000 followers (rows seeded with INSERT ... SELECT, not HTTP clients)
follow one account. It posts (through the services, as the web UI would), and the bench measures the time
from the commit until the post is readable in the home feed of a sample of followers: in-process through
`openhouse.feeds.services.home_feed` for 100 of them, and over HTTP (GET /) for 16 signed-in ones. Such
an account is above OPENHOUSE_FANOUT_MAX_FOLLOWERS, so its post is merged into feeds at read time; the
bench checks that it was not pushed into followers' stored timelines.

Targets (reported, not asserted): home feed p99 < 50 ms at 64 concurrent readers; like rate >= 25 % of the
raw INSERT rate; the 3.2M-follower post visible within 1 s. Beside them the bench times the floor: the
same 64 clients, closed loop, on a page that does no work (a constant JSON answer through the same server
and middleware), which no feed or like can beat on the machine at hand.

Isolation: a dedicated database `openhouse_bench` (dropped and created afresh, dropped again at the end
unless --keep-db) and Redis database 9 (FLUSHDB at start and end); nothing else is touched. The server is
`openhouse serve` (granian WSGI, 2 workers x 8 threads) on a free port of 127.0.0.1, stopped at the end
whatever happens. Seeding and session creation run in this process through Django (bulk_create and
SQL), so no sign-up or log-in traffic is needed; seeded accounts have unusable passwords.

Production settings mark cookies Secure, so this plain-HTTP client writes its Cookie header itself
(sessionid + csrftoken) and sends `Origin` plus `X-CSRFToken`, which is what Django's CSRF check asks of a
plain-HTTP request.

Usage: `make bench`, or `python -m bench.launch [--scale small] [--db sqlite] [--keep-db]`.
BENCH_SCALE=small (or --quick) runs a tenth of everything for a quick look. --db sqlite runs the server
on a SQLite file in the temporary directory instead (Redis still holds timelines and rate limits).
"""

import argparse
import http.client
import io
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_NAME = "openhouse_bench"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
BACKEND = "openhouse.accounts.backends.HandleOrEmailBackend"
UNUSABLE_PASSWORD = "!"  # Django treats any password starting with "!" as unusable
FEED_PAGE = 12
SEED_CHUNK = 400_000
RAW_INSERT_CLIENTS = 8
RAW_INSERT_SECONDS = 10
VISIBLE_WITHIN_S = 1.0
NO_LIMIT_S = 3 * 3600  # --max-seconds 0 still stops somewhere


@dataclass(frozen=True)
class Scale:
    name: str
    followers: int  # accounts following the organisation
    likes: int
    comments: int
    follows: int  # follows over HTTP during the launch (hot followers_count rows)
    big_followers: int  # followers of the account of scenario 2
    readers: int = 64
    writers: int = 32
    friends: int = 16  # ordinary accounts the readers follow (fan-out on write)
    friends_per_reader: int = 4
    sample: int = 100  # followers of the big account whose feeds are read in-process
    http_sample: int = 16  # ... and over HTTP


SCALES = {
    "full": Scale(
        "full", followers=80_000, likes=20_000, comments=5_000, follows=1_000, big_followers=3_200_000
    ),
    "small": Scale("small", followers=8_000, likes=2_000, comments=500, follows=100, big_followers=320_000),
}


# Measurements -------------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


class Recorder:
    """Latencies (seconds) and errors of one kind of operation, recorded from many threads."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.latencies: list[float] = []
        self.errors = 0
        self.error_samples: list[str] = []
        self.elapsed = 0.0  # wall time of the phase the rate is taken over
        self.retried = 0  # visibility probes: followers whose first read did not show the post yet
        self._lock = threading.Lock()

    def ok(self, seconds: float) -> None:
        with self._lock:
            self.latencies.append(seconds)

    def error(self, what: str) -> None:
        with self._lock:
            self.errors += 1
            if len(self.error_samples) < 5 and what not in self.error_samples:
                self.error_samples.append(what)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def quantile_ms(self, q: float) -> float:
        return percentile(sorted(self.latencies), q) * 1000


def timed(rec: Recorder, op: Callable[[], str | None]) -> None:
    """Run one operation; it returns None when its answer was right, or what was wrong."""
    started = time.perf_counter()
    try:
        problem = op()
    except Exception as exc:  # a refused connection or a timeout is an error of this operation
        rec.error(f"{type(exc).__name__}: {exc}"[:160])
        return
    if problem is None:
        rec.ok(time.perf_counter() - started)
    else:
        rec.error(problem)


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class Report:
    """Everything the final summary prints."""

    scale: Scale
    db: str
    steps: list[tuple[str, float]] = field(default_factory=list)
    ops: list[Recorder] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)
    raw_rates: list[float] = field(default_factory=list)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        print(f"-- {name} ...", flush=True)
        started = time.perf_counter()
        try:
            yield
        finally:
            took = time.perf_counter() - started
            self.steps.append((name, took))
            print(f"   {name}: {took:.1f} s", flush=True)

    def check(self, name: str, passed: bool, detail: str) -> None:
        self.checks.append(Check(name, passed, detail))
        print(f"   {'PASS' if passed else 'FAIL'}  {name}: {detail}", flush=True)


# Environment: database, Redis, settings -----------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def checked_db_name(name: str) -> str:
    """The bench database's name goes into DROP/CREATE DATABASE, so only a plain identifier will do."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name) or name in ("postgres", "template0", "template1"):
        raise SystemExit(
            f"--db-name must be a plain lower-case identifier of a scratch database, not {name!r}"
        )
    return name


def recreate_pg_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def drop_pg_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(*, db_url: str, redis_url: str, data_dir: Path, port: int, secret: str) -> dict[str, str]:
    """The environment of the server and of this process: production settings, plain HTTP on 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENHOUSE_")}
    env.update(
        DJANGO_SETTINGS_MODULE="openhouse.settings",
        OPENHOUSE_DATABASE_URL=db_url,
        OPENHOUSE_REDIS_URL=redis_url,
        OPENHOUSE_SECRET_KEY=secret,
        OPENHOUSE_DATA_DIR=str(data_dir),
        OPENHOUSE_DEBUG="false",
        OPENHOUSE_SSL_REDIRECT="false",
        OPENHOUSE_ALLOWED_HOSTS="127.0.0.1",
        OPENHOUSE_SITE_URL=f"http://127.0.0.1:{port}",
        OPENHOUSE_TASK_BACKEND="immediate",
        OPENHOUSE_LOG_LEVEL="WARNING",
    )
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "openhouse.cli", "manage", "migrate", "--no-input", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=300,
    )


def setup_django(env: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()  # OPENHOUSE_LOG_LEVEL=WARNING keeps the task backend's INFO lines out of this output


# The server ---------------------------------------------------------------------------------------------


@contextmanager
def running_server(
    env: dict[str, str], port: int, log_path: Path, workers: int, threads: int
) -> Iterator[tuple[float, int]]:
    """`openhouse serve` in its own process group, stopped (group and all) on the way out.

    Yields how long it took to answer (serve migrates and collects static files first) and the group's id.
    """
    command = [sys.executable, "-m", "openhouse.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--threads", str(threads)]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        started = time.perf_counter()
        try:
            wait_ready(proc, port, log_path)
            yield time.perf_counter() - started, proc.pid
        finally:
            stop_server(proc)


def wait_ready(proc: subprocess.Popen, port: int, log_path: Path, limit_s: float = 120) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{log_tail(log_path)}")
        with suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", "/")
                if conn.getresponse().status == 200:
                    return
            finally:
                conn.close()
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer within {limit_s:.0f} s:\n{log_tail(log_path)}")


def group_cpu_s(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of a process group (Linux /proc).

    The server's CPU per request does not depend on how busy the machine's other tenants keep the cores,
    unlike its latencies, so it compares runs made on a noisy machine.
    """
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def stop_server(proc: subprocess.Popen) -> None:
    for sig, wait_s in ((signal.SIGINT, 15), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)  # the group we started: granian and its workers
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait_s)


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# HTTP clients -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """A signed-in client: the cookies a browser would send, written by hand (they are Secure-only)."""

    account_id: int
    session_key: str
    csrf: str

    @property
    def cookie(self) -> str:
        return f"sessionid={self.session_key}; csrftoken={self.csrf}"


class Http:
    """One keep-alive connection to the server, reopened after any failure."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self._conn: http.client.HTTPConnection | None = None

    def send(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, str, bytes]:
        """Returns the status, the Location header (or "") and the body."""
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            self._conn.request(method, path, body=body or None, headers=headers)
            response = self._conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.will_close:
            self.close()
        return response.status, response.getheader("Location", ""), data

    def get(self, ident: Identity, path: str) -> tuple[int, str, bytes]:
        return self.send("GET", path, {"Cookie": ident.cookie, "Accept": "text/html"})

    def post(
        self, ident: Identity, path: str, form: dict[str, str], *, accept: str = "text/html"
    ) -> tuple[int, str, bytes]:
        headers = {
            "Cookie": ident.cookie,
            "Origin": self.origin,
            "X-CSRFToken": ident.csrf,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": accept,
        }
        return self.send("POST", path, headers, urllib.parse.urlencode(form).encode())

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def read_feed(client: Http, ident: Identity, must_show: int | None = None) -> str | None:
    status, location, body = client.get(ident, "/")
    if status != 200:
        return f"GET / answered {status} {location}".strip()
    if b'class="card"' not in body:
        return "the home feed showed no post"
    if must_show is not None and f"/p/{must_show}/".encode() not in body:
        return f"post {must_show} missing from the feed"
    return None


def like(client: Http, ident: Identity, post_id: int) -> str | None:
    status, location, body = client.post(ident, f"/p/{post_id}/like/", {}, accept="application/json")
    if status != 200:
        return f"like answered {status} {location}".strip()
    if not json.loads(body).get("liked"):
        return "like answered liked=false"
    return None


def comment(client: Http, ident: Identity, post_id: int, n: int) -> str | None:
    status, location, _ = client.post(
        ident, f"/p/{post_id}/comments/", {"body": f"Congratulations on the launch! ({n})"}
    )
    if status != 302 or "#c" not in location:
        return f"comment answered {status} {location}".strip()
    return None


def follow(client: Http, ident: Identity, handle: str) -> str | None:
    status, location, _ = client.post(ident, f"/{handle}/follow/", {})
    if status != 302 or "login" in location:
        return f"follow answered {status} {location}".strip()
    return None


# Seeding ------------------------------------------------------------------------------------------------


def photo_bytes() -> bytes:
    """A small photo-like JPEG for the posts (a gradient with some texture)."""
    from PIL import Image, ImageFilter

    rng = random.Random(7)
    small = Image.new("RGB", (16, 12))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(16 * 12)])
    image = small.resize((640, 480), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def store_photo(author: Any, photo: bytes) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from openhouse.media.services import store_photos

    upload = SimpleUploadedFile("photo.jpg", photo, content_type="image/jpeg")
    return store_photos(owner=author, uploads=[upload])[0].pk


def publish(author: Any, caption: str, photo: bytes) -> tuple[int, float]:
    """Post through the services, as the web UI does. Returns the post id and the time of its commit.

    An organisation's post goes the only way one can: a draft by a team author, approved and published by
    a team reviewer (the timed commit is the approval's, which creates the post and enqueues its fan-out).
    """
    from django.db import transaction

    from openhouse.posts.services import create_post
    from openhouse.publishing import services as publishing

    committed: list[float] = []
    if author.is_organisation:
        writer, reviewer = bench_team(author)
        draft = publishing.start_draft(actor=writer, organisation=author, uploads=[photo_upload(photo)])
        items = publishing.draft_photos(draft)
        draft = publishing.edit_draft(
            actor=writer,
            draft=draft,
            caption=caption,
            role_label_id=None,
            media_ids=[i.pk for i in items],
            alt_texts=[""] * len(items),
        )
        draft = publishing.submit_draft(actor=writer, draft=draft)
        with transaction.atomic():
            transaction.on_commit(lambda: committed.append(time.perf_counter()))
            publishing.approve_draft(
                reviewer=reviewer, draft=draft, revision=draft.revision, publish_now=True
            )
        draft.refresh_from_db()
        return draft.post_id, committed[0]
    media_id = store_photo(author, photo)
    with transaction.atomic():
        # Registered first, so it runs right at commit, before the fan-out that create_post enqueues.
        transaction.on_commit(lambda: committed.append(time.perf_counter()))
        post = create_post(author=author, media_ids=[media_id], caption=caption)
    return post.pk, committed[0]


def photo_upload(photo: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", photo, content_type="image/jpeg")


def bench_team(organisation: Any) -> tuple[Any, Any]:
    """An author and a reviewer of the organisation's team, with confirmed authenticators (made once)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from openhouse.accounts.models import Account, Membership

    team = []
    for role in (Membership.Role.AUTHOR, Membership.Role.REVIEWER):
        handle = f"{organisation.handle[:18]}.{role}"
        member, created = Account.objects.get_or_create(
            handle=handle, defaults={"password": UNUSABLE_PASSWORD}
        )
        if created:
            Membership.objects.create(organisation=organisation, member=member, role=role)
            TOTPDevice.objects.create(user=member, name="bench", confirmed=True)
        team.append(member)
    return team[0], team[1]


def post_quietly(author: Any, caption: str, photo: bytes) -> None:
    """publish() as an operation of the load: None means it went right."""
    publish(author, caption, photo)


def make_accounts(prefix: str, count: int, **extra: Any) -> list[int]:
    from openhouse.accounts.models import Account

    made = Account.objects.bulk_create(
        (Account(handle=f"{prefix}{i:07d}", password=UNUSABLE_PASSWORD, **extra) for i in range(count)),
        batch_size=2000,
    )
    return [a.pk for a in made]


def add_follows(pairs: list[tuple[int, int]]) -> None:
    from openhouse.accounts.models import Follow

    Follow.objects.bulk_create((Follow(follower_id=a, followee_id=b) for a, b in pairs), batch_size=5000)


def recount_follows() -> None:
    """Set every account's followers/following counts from the Follow rows (for seeded rows only)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE accounts_account SET "
            "followers_count = (SELECT COUNT(*) FROM accounts_follow f WHERE f.followee_id = accounts_account.id AND f.accepted), "
            "following_count = (SELECT COUNT(*) FROM accounts_follow f WHERE f.follower_id = accounts_account.id AND f.accepted)"
        )


def make_sessions(account_ids: list[int]) -> list[Identity]:
    """A Django session per account, as a log-in would leave it, created in bulk."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from openhouse.accounts.models import Account

    store, expires = SessionStore(), timezone.now() + timedelta(days=1)
    identities: list[Identity] = []
    for start in range(0, len(account_ids), 5000):
        chunk = account_ids[start : start + 5000]
        accounts = Account.objects.filter(pk__in=chunk).only("pk", "password").in_bulk()
        rows, made = [], []
        for pk in chunk:
            data = {"_auth_user_id": str(pk), "_auth_user_backend": BACKEND}
            data["_auth_user_hash"] = accounts[pk].get_session_auth_hash()
            key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
            rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
            made.append(Identity(pk, key, get_random_string(32)))
        Session.objects.bulk_create(rows, batch_size=2000)
        identities += made
    return identities


@dataclass
class LaunchWorld:
    org_id: int
    org_handle: str
    fans: list[int]
    friends: list[int]
    friend_handles: list[str]
    readers: list[int]


def seed_launch(scale: Scale, photo: bytes) -> LaunchWorld:
    """The organisation, its followers, and readers who also follow a few ordinary accounts."""
    from openhouse.accounts.models import Account

    org = Account.objects.create(
        handle="launchorg",
        display_name="Launch Org",
        password=UNUSABLE_PASSWORD,
        is_organisation=True,
        is_verified=True,
    )
    fans = make_accounts("fan", scale.followers)
    friends = make_accounts("friend", scale.friends, display_name="A friend")
    readers = fans[-scale.readers :]
    pairs = [(fan, org.pk) for fan in fans]
    pairs += [
        (reader, friends[(i + k) % len(friends)])
        for i, reader in enumerate(readers)
        for k in range(scale.friends_per_reader)
    ]
    add_follows(pairs)
    recount_follows()  # before any post: the organisation must already count as big, or it would fan out
    for account in Account.objects.filter(pk__in=friends):
        for n in range(4):
            publish(account, f"Ordinary day {n} #everyday", photo)
    org.refresh_from_db()
    for n in range(FEED_PAGE):
        publish(org, f"Behind the scenes, part {n} #countdown", photo)
    handles = dict(Account.objects.filter(pk__in=friends).values_list("pk", "handle"))
    return LaunchWorld(org.pk, org.handle, fans, friends, [handles[f] for f in friends], readers)


def numbers_sql(vendor: str) -> str:
    """A row per integer n from %s to %s, in the database's own way."""
    if vendor == "postgresql":
        return "SELECT g AS n FROM generate_series(%s, %s) AS g"
    return "WITH RECURSIVE g(n) AS (SELECT %s UNION ALL SELECT n + 1 FROM g WHERE n < %s) SELECT n FROM g"


def seed_big_followers(big_id: int, count: int) -> None:
    """`count` accounts following `big_id`, by INSERT ... SELECT in chunks (rows only, nothing in Redis)."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    accounts_sql = (
        "INSERT INTO accounts_account (password, is_superuser, handle, email, display_name, bio, link, avatar_key, "
        "is_private, is_organisation, is_verified, is_staff, is_active, date_joined, followers_count, following_count) "
        f"SELECT %s, %s, 'bf' || s.n, '', '', '', '', '', %s, %s, %s, %s, %s, %s, 0, 1 FROM ({numbers_sql(connection.vendor)}) AS s"
    )
    follows_sql = (
        "INSERT INTO accounts_follow (accepted, created_at, followee_id, follower_id) "
        "SELECT %s, %s, %s, id FROM accounts_account WHERE id > %s"
    )
    started = time.perf_counter()
    for low in range(1, count + 1, SEED_CHUNK):
        high = min(count, low + SEED_CHUNK - 1)
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SELECT MAX(id) FROM accounts_account")
            (last_id,) = cur.fetchone()
            flags = [UNUSABLE_PASSWORD, False, False, False, False, False, True, now]
            cur.execute(accounts_sql, [*flags, low, high])
            cur.execute(follows_sql, [True, now, big_id, last_id])
        took = time.perf_counter() - started
        print(f"   {high:>9,} followers seeded ({high / took:,.0f} accounts+follows/s)", flush=True)
    with connection.cursor() as cur:
        cur.execute("UPDATE accounts_account SET followers_count = %s WHERE id = %s", [count, big_id])
        if connection.vendor == "postgresql":
            cur.execute("ANALYZE accounts_account")
            cur.execute("ANALYZE accounts_follow")


# Load ---------------------------------------------------------------------------------------------------


@dataclass
class Load:
    """Shared state of one phase of client threads."""

    port: int
    deadline: float
    stop: threading.Event = field(default_factory=threading.Event)


def reader_loop(load: Load, ident: Identity, rec: Recorder, max_reads: int) -> None:
    client = Http(load.port)
    try:
        for _ in range(max_reads):
            if load.stop.is_set() or time.monotonic() > load.deadline:
                break
            timed(rec, lambda: read_feed(client, ident))
    finally:
        client.close()


@dataclass(frozen=True)
class Task:
    kind: str  # "like", "comment" or "follow"
    ident: Identity
    n: int


class WorkQueue[T]:
    """Work handed out one item at a time to whichever client thread is free."""

    def __init__(self, items: list[T]) -> None:
        self._items = iter(items)
        self._lock = threading.Lock()

    def next(self) -> T | None:
        with self._lock:
            return next(self._items, None)


def writer_loop(
    load: Load, queue: WorkQueue[Task], world: LaunchWorld, post_id: int, recs: dict[str, Recorder]
) -> None:
    client = Http(load.port)
    try:
        while time.monotonic() < load.deadline and (task := queue.next()) is not None:
            if task.kind == "like":
                timed(recs["like"], lambda t=task: like(client, t.ident, post_id))
            elif task.kind == "comment":
                timed(recs["comment"], lambda t=task: comment(client, t.ident, post_id, t.n))
            else:
                handle = world.friend_handles[task.n % len(world.friend_handles)]
                timed(recs["follow"], lambda t=task, h=handle: follow(client, t.ident, h))
    finally:
        client.close()


def poster_loop(load: Load, world: LaunchWorld, rec: Recorder, photo: bytes, every_s: float = 2.0) -> None:
    """Ordinary accounts keep posting during the launch: fan-out on write into the readers' timelines."""
    from django.db import connection

    from openhouse.accounts.models import Account

    try:
        friends = list(Account.objects.filter(pk__in=world.friends))
        for n in range(1000):
            if load.stop.wait(every_s) or time.monotonic() > load.deadline:
                break
            author = friends[n % len(friends)]
            timed(rec, lambda a=author, i=n: post_quietly(a, f"Meanwhile, post {i}", photo))
    finally:
        connection.close()


def start_threads(targets: list[Callable[[], None]], name: str) -> list[threading.Thread]:
    threads = [threading.Thread(target=t, name=f"{name}-{i}", daemon=True) for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    return threads


def join_all(threads: list[threading.Thread], deadline: float) -> None:
    for t in threads:
        t.join(timeout=max(0.1, deadline - time.monotonic()))


def readers_alone(port: int, readers: list[Identity], seconds: float) -> Recorder:
    rec = Recorder(
        "home feed, 64 readers alone" if len(readers) == 64 else f"home feed, {len(readers)} readers alone"
    )
    load = Load(port, time.monotonic() + seconds)
    started = time.perf_counter()
    threads = start_threads([lambda i=i: reader_loop(load, i, rec, 100_000) for i in readers], "reader")
    join_all(threads, load.deadline + 60)
    rec.elapsed = time.perf_counter() - started
    return rec


FLOOR_PATH = "/.well-known/oauth-authorization-server"


def floor_loop(load: Load, ident: Identity, rec: Recorder) -> None:
    client = Http(load.port)

    def op() -> str | None:
        status, _, body = client.get(ident, FLOOR_PATH)
        return None if status == 200 and body.startswith(b"{") else f"GET {FLOOR_PATH} answered {status}"

    try:
        while time.monotonic() < load.deadline:
            timed(rec, op)
    finally:
        client.close()


def framework_floor(port: int, readers: list[Identity], seconds: float) -> Recorder:
    """The same clients, closed loop, on a page that does no work: a small constant JSON answer (the OAuth
    metadata) through the same server, middleware and client, reading neither the database nor the session.

    What it measures is the machine's floor for this stack: no feed can be faster or served more often.
    """
    rec = Recorder(f"empty JSON page, {len(readers)} clients (the floor)")
    load = Load(port, time.monotonic() + seconds)
    started = time.perf_counter()
    threads = start_threads([lambda i=i: floor_loop(load, i, rec) for i in readers], "floor")
    join_all(threads, load.deadline + 60)
    rec.elapsed = time.perf_counter() - started
    return rec


def paced_reader_loop(load: Load, ident: Identity, rec: Recorder, every_s: float, seed: int) -> None:
    """One person scrolling: a page, then a pause of 0.5-1.5x `every_s` from the start of that read."""
    rng = random.Random(seed)
    client = Http(load.port)
    try:
        if load.stop.wait(rng.uniform(0, every_s)):  # people do not all arrive at the same instant
            return
        while time.monotonic() < load.deadline:
            began = time.monotonic()
            timed(rec, lambda: read_feed(client, ident))
            rest = rng.uniform(0.5, 1.5) * every_s - (time.monotonic() - began)
            if rest > 0 and load.stop.wait(rest):
                break
    finally:
        client.close()


def readers_paced(port: int, readers: list[Identity], seconds: float, every_s: float) -> Recorder:
    """The same readers at a person's pace (an open load of len(readers) / every_s pages a second), for
    context beside the closed-loop figure the target is defined on."""
    rec = Recorder(f"home feed, {len(readers)} readers, a page per ~{every_s:g} s each")
    load = Load(port, time.monotonic() + seconds)
    started = time.perf_counter()
    threads = start_threads(
        [lambda i=i, n=n: paced_reader_loop(load, i, rec, every_s, n) for n, i in enumerate(readers)], "paced"
    )
    join_all(threads, load.deadline + 60)
    rec.elapsed = time.perf_counter() - started
    return rec


def first_sight(
    port: int, readers: list[Identity], post_id: int, committed: float, limit_s: float = 10
) -> Recorder:
    """All readers read their feed at once right after the post's commit (again if it is missing, up to limit_s).

    The recorded time is from the commit to the end of the read that first showed the post.
    """
    rec = Recorder("launch post: commit -> seen by each reader")

    def one(ident: Identity) -> None:
        client = Http(port)
        try:
            for attempt in range(1000):
                if time.perf_counter() - committed > limit_s:
                    break
                try:
                    problem = read_feed(client, ident, must_show=post_id)
                except (OSError, http.client.HTTPException) as exc:
                    problem = str(exc)
                if problem is None:
                    rec.ok(time.perf_counter() - committed)
                    rec.retried += attempt > 0
                    return
                time.sleep(0.02)
            rec.error(f"not seen within {limit_s:.0f} s")
        finally:
            client.close()

    threads = start_threads([lambda i=i: one(i) for i in readers], "first")
    join_all(threads, time.monotonic() + limit_s + 60)
    rec.elapsed = time.perf_counter() - committed
    return rec


def launch_tasks(scale: Scale, writers: list[Identity], follows: list[Identity]) -> list[Task]:
    likes = [Task("like", ident, n) for n, ident in enumerate(writers[: scale.likes])]
    comments = [Task("comment", ident, n) for n, ident in enumerate(writers[scale.likes :])]
    following = [Task("follow", ident, n) for n, ident in enumerate(follows)]
    tasks = likes + comments + following
    random.Random(2024).shuffle(tasks)
    return tasks


def launch_recorders(scale: Scale) -> dict[str, Recorder]:
    names = {
        "feed": f"home feed, {scale.readers} readers during the launch",
        "like": "like (POST, JSON answer)",
        "comment": "comment (POST)",
        "follow": "follow (POST)",
        "post": "ordinary post (service + fan-out, in bench)",
    }
    return {key: Recorder(name) for key, name in names.items()}


def run_launch(
    port: int, scale: Scale, world: LaunchWorld, post_id: int, people: "People", photo: bytes, max_s: float
) -> dict[str, Recorder]:
    """Writers work through the likes, comments and follows while readers and an ordinary poster go on."""
    recs = launch_recorders(scale)
    queue = WorkQueue(launch_tasks(scale, people.writers, people.followers))
    load = Load(port, time.monotonic() + max_s)
    started = time.perf_counter()
    readers = start_threads(
        [lambda i=i: reader_loop(load, i, recs["feed"], 1_000_000) for i in people.readers], "reader"
    )
    poster = start_threads([lambda: poster_loop(load, world, recs["post"], photo)], "poster")
    writers = start_threads(
        [lambda: writer_loop(load, queue, world, post_id, recs) for _ in range(scale.writers)], "writer"
    )
    wait_for_writers(writers, recs, load.deadline + 90)
    writes_done = time.perf_counter()
    load.stop.set()
    join_all(readers + poster, time.monotonic() + 90)
    for key, rec in recs.items():
        rec.elapsed = (writes_done - started) if key != "feed" else (time.perf_counter() - started)
    return recs


def wait_for_writers(writers: list[threading.Thread], recs: dict[str, Recorder], deadline: float) -> None:
    """Join the writers, printing progress every 15 s."""
    started = time.monotonic()
    while any(t.is_alive() for t in writers) and time.monotonic() < deadline:
        join_all(writers, min(deadline, time.monotonic() + 15))
        done = ", ".join(f"{recs[k].count:,} {k}s" for k in ("like", "comment", "follow"))
        print(
            f"   {time.monotonic() - started:5.0f} s: {done}, {recs['feed'].count:,} feed reads", flush=True
        )


@dataclass
class People:
    writers: list[Identity]  # one like each, then one comment each
    followers: list[Identity]  # one follow each
    readers: list[Identity]


def make_people(scale: Scale, world: LaunchWorld) -> People:
    writing = world.fans[: scale.likes + scale.comments]
    following = world.fans[scale.likes + scale.comments : scale.likes + scale.comments + scale.follows]
    return People(make_sessions(writing), make_sessions(following), make_sessions(world.readers))


def verify_session(port: int, ident: Identity, post_id: int) -> None:
    """One signed-in GET and one POST (CSRF) must work before any load is worth running."""
    client = Http(port)
    try:
        status, location, body = client.get(ident, "/")
        if status != 200 or b"/accounts/logout/" not in body:
            raise RuntimeError(f"the hand-made session is not signed in: GET / answered {status} {location}")
        status, location, body = client.post(ident, f"/p/{post_id}/like/", {}, accept="application/json")
        if status != 200 or not json.loads(body).get("liked"):
            raise RuntimeError(f"a POST with the CSRF token failed: {status} {location} {body[:200]!r}")
        status, location, body = client.post(ident, f"/p/{post_id}/unlike/", {}, accept="application/json")
        if status != 200 or json.loads(body).get("liked"):
            raise RuntimeError(f"the unlike after the check failed: {status} {location} {body[:200]!r}")
    finally:
        client.close()


# Database diagnostics -----------------------------------------------------------------------------------


def pg_activity() -> dict[str, int]:
    """Commits and row changes so far in this database (PostgreSQL's cumulative statistics)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_force_next_flush()")
        cur.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
        out = {"commits": cur.fetchone()[0]}
        cur.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables "
            "WHERE relname IN ('posts_post', 'social_countdelta', 'accounts_account')"
        )
        for rel, ins, upd, dele in cur.fetchall():
            out.update({f"{rel}.ins": ins, f"{rel}.upd": upd, f"{rel}.del": dele})
    return out


def activity_note(before: dict[str, int], after: dict[str, int], writes: int, reads: int) -> str:
    if not before or not writes:
        return ""
    delta = {k: after.get(k, 0) - v for k, v in before.items()}
    return (
        f"PostgreSQL during the launch: {delta['commits']:,} commits for {writes:,} write and {reads:,} read requests; "
        f"posts_post rows updated {delta.get('posts_post.upd', 0):,} times, accounts_account rows "
        f"{delta.get('accounts_account.upd', 0):,} times; count deltas inserted {delta.get('social_countdelta.ins', 0):,}, "
        f"deleted {delta.get('social_countdelta.del', 0):,}."
    )


# Counter checks -----------------------------------------------------------------------------------------


def fold_pending() -> int:
    from openhouse.social.models import CountDelta
    from openhouse.social.services import fold_all_counts

    for _ in range(1000):
        if not fold_all_counts():
            break
    return CountDelta.objects.count()


def scalar(sql: str, params: list[Any] | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        return int(cur.fetchone()[0] or 0)


def check_counters(report: Report, label: str) -> None:
    """Every denormalised counter against a COUNT of the rows behind it."""
    pending = fold_pending()
    report.check(f"{label}: no pending count deltas after folding", pending == 0, f"{pending} left")
    for column, table in (("likes_count", "social_like"), ("comments_count", "social_comment")):
        wrong = scalar(
            f"SELECT COUNT(*) FROM posts_post p LEFT JOIN (SELECT post_id, COUNT(*) AS n FROM {table} GROUP BY post_id) r "
            f"ON r.post_id = p.id WHERE p.{column} <> COALESCE(r.n, 0)"
        )
        posts = scalar("SELECT COUNT(*) FROM posts_post")
        report.check(
            f"{label}: Post.{column} = COUNT({table})", wrong == 0, f"{wrong} of {posts:,} posts differ"
        )
    for column, key in (("followers_count", "followee_id"), ("following_count", "follower_id")):
        wrong = scalar(
            "SELECT COUNT(*) FROM accounts_account a LEFT JOIN (SELECT "
            f"{key} AS account_id, COUNT(*) AS n FROM accounts_follow WHERE accepted GROUP BY {key}) r "
            f"ON r.account_id = a.id WHERE a.{column} <> COALESCE(r.n, 0)"
        )
        accounts = scalar("SELECT COUNT(*) FROM accounts_account")
        report.check(
            f"{label}: Account.{column} = COUNT(follows)",
            wrong == 0,
            f"{wrong} of {accounts:,} accounts differ",
        )


def check_launch_rows(report: Report, recs: dict[str, Recorder], post_id: int) -> None:
    """What the clients were told happened is what the database holds."""
    for kind, table in (("like", "social_like"), ("comment", "social_comment")):
        rows = scalar(f"SELECT COUNT(*) FROM {table} WHERE post_id = %s", [post_id])
        answered = recs[kind].count
        report.check(
            f"{table} rows = {kind}s answered OK", rows == answered, f"{rows:,} rows, {answered:,} OK"
        )


# Raw INSERT rate ----------------------------------------------------------------------------------------


def raw_insert_rate(target: "Target", tmp: Path) -> tuple[float, str]:
    """Single-row INSERTs per second, one per transaction, from 8 clients. Returns the rate and the method."""
    if target.sqlite_path:
        return python_insert_rate("", target.sqlite_path), f"sqlite3, {RAW_INSERT_CLIENTS} connections"
    scratch_table(target.db_url)
    rate = pgbench_rate(target.db_url, tmp) if shutil.which("pgbench") else None
    if rate is not None:
        return rate, f"pgbench, {RAW_INSERT_CLIENTS} clients, {RAW_INSERT_SECONDS} s"
    return python_insert_rate(target.db_url, ""), f"psycopg, {RAW_INSERT_CLIENTS} connections"


def scratch_table(db_url: str) -> None:
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw_insert")
        conn.execute(
            "CREATE TABLE bench_raw_insert (id bigserial PRIMARY KEY, client integer NOT NULL, "
            "at timestamptz NOT NULL DEFAULT now())"
        )


def pgbench_rate(db_url: str, tmp: Path) -> float | None:
    script = tmp / "raw_insert.sql"
    script.write_text("INSERT INTO bench_raw_insert (client) VALUES (:client_id);\n")
    parts = urllib.parse.urlsplit(db_url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = urllib.parse.unquote(parts.password)
    command = ["pgbench", "-n", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    command += [
        "-U",
        urllib.parse.unquote(parts.username or "postgres"),
        "-c",
        str(RAW_INSERT_CLIENTS),
        "-j",
        "2",
    ]
    command += ["-T", str(RAW_INSERT_SECONDS), "-f", str(script), parts.path.lstrip("/")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=RAW_INSERT_SECONDS + 60)
    for line in done.stdout.splitlines():
        if line.startswith("tps = "):
            return float(line.split()[2])
    print(f"   pgbench gave no rate ({done.returncode}): {done.stderr.strip()[:300]}", flush=True)
    return None


class Inserter:
    """One connection that inserts one row per transaction into the scratch table."""

    def __init__(self, db_url: str, sqlite_path: str) -> None:
        if sqlite_path:
            import sqlite3

            self.conn: Any = sqlite3.connect(
                sqlite_path, timeout=5, isolation_level=None, check_same_thread=False
            )
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS bench_raw_insert (id INTEGER PRIMARY KEY, client INTEGER NOT NULL, "
                "at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
            )
            self.sql = "INSERT INTO bench_raw_insert (client) VALUES (?)"
        else:
            import psycopg

            self.conn = psycopg.connect(db_url, autocommit=True)
            self.sql = "INSERT INTO bench_raw_insert (client) VALUES (%s)"

    def insert(self, client: int) -> None:
        self.conn.execute(self.sql, (client,))

    def close(self) -> None:
        self.conn.close()


def python_insert_rate(db_url: str, sqlite_path: str) -> float:
    counts = [0] * RAW_INSERT_CLIENTS
    inserters = [Inserter(db_url, sqlite_path) for _ in range(RAW_INSERT_CLIENTS)]
    deadline = time.monotonic() + RAW_INSERT_SECONDS

    def run(i: int) -> None:
        try:
            while time.monotonic() < deadline:
                inserters[i].insert(i)
                counts[i] += 1
        finally:
            inserters[i].close()

    started = time.perf_counter()
    threads = start_threads([lambda i=i: run(i) for i in range(RAW_INSERT_CLIENTS)], "insert")
    join_all(threads, deadline + 30)
    return sum(counts) / (time.perf_counter() - started)


# Scenario 2: the big account ----------------------------------------------------------------------------


def sample_followers(count: int, size: int) -> list[Any]:
    from openhouse.accounts.models import Account

    picks = random.Random(3).sample(range(1, count + 1), min(size, count))
    return list(Account.objects.filter(handle__in=[f"bf{n}" for n in picks]))


def seen_in_process(
    followers: list[Any], post_id: int, committed: float, limit_s: float = 10
) -> tuple[Recorder, Recorder]:
    """Each sampled follower's feed read through home_feed (8 at a time) until it shows the post."""
    from django.db import connection

    from openhouse.feeds.services import home_feed

    seen, reads = Recorder("seen"), Recorder("reads")
    pending = WorkQueue(followers)

    def until_seen(viewer: Any) -> None:
        for attempt in range(1000):
            if time.perf_counter() - committed > limit_s:
                break
            started = time.perf_counter()
            ids = [p.pk for p in home_feed(viewer=viewer, limit=FEED_PAGE)]
            reads.ok(time.perf_counter() - started)
            if post_id in ids:
                seen.ok(time.perf_counter() - committed)
                seen.retried += attempt > 0
                return
            time.sleep(0.02)
        seen.error(f"not seen within {limit_s:.0f} s")

    def worker() -> None:
        try:
            while (viewer := pending.next()) is not None:
                until_seen(viewer)
        finally:
            connection.close()

    threads = start_threads([worker for _ in range(8)], "seen")
    join_all(threads, time.monotonic() + limit_s + 60)
    seen.elapsed = reads.elapsed = time.perf_counter() - committed
    return seen, reads


def pushed_to(followers: list[Any], post_id: int) -> int:
    """How many sampled followers' stored timelines (Redis) got the post pushed: 0 for a big account."""
    from openhouse.feeds import store

    return sum(post_id in store.page(f.pk, before=None, limit=store.TIMELINE_CAP) for f in followers)


def big_post_visibility(
    port: int, big: Any, followers: list[Any], http_followers: list[Identity], photo: bytes
) -> list[Recorder]:
    """Two new posts, each timed from its own commit: one read over HTTP, one through home_feed."""
    post_id, committed = publish(big, "An announcement to everyone", photo)
    over_http = first_sight(port, http_followers, post_id, committed)
    over_http.name = f"big post: commit -> seen, GET / by {len(http_followers)} followers"
    post_id, committed = publish(big, "And another one", photo)
    seen, reads = seen_in_process(followers, post_id, committed)
    seen.name = f"big post: commit -> seen, home_feed of {len(followers)}"
    reads.name = "home_feed read, a follower of the big account"
    return [over_http, seen, reads]


def worst_s(rec: Recorder) -> float:
    return math.inf if rec.errors or not rec.latencies else max(rec.latencies)


def run_big(report: Report, scale: Scale, port: int, photo: bytes) -> None:
    from django.conf import settings

    from openhouse.accounts.models import Account

    big = Account.objects.create(
        handle="bigstar",
        display_name="Big Star",
        password=UNUSABLE_PASSWORD,
        is_organisation=True,
        is_verified=True,
    )
    with report.step(f"scenario 2: seed {scale.big_followers:,} followers (accounts + follow rows)"):
        started = time.perf_counter()
        seed_big_followers(big.pk, scale.big_followers)
        seeded_s = time.perf_counter() - started
    report.notes.append(
        f"Scenario 2 seeding: {scale.big_followers:,} accounts + follow rows in {seeded_s:.0f} s "
        f"({scale.big_followers / seeded_s:,.0f}/s, INSERT ... SELECT in chunks of {SEED_CHUNK:,})."
    )
    followers = sample_followers(scale.big_followers, scale.sample)
    http_followers = make_sessions([f.pk for f in followers[: scale.http_sample]])
    big.refresh_from_db()
    threshold = settings.FANOUT_MAX_FOLLOWERS
    report.check(
        "big account is above the fan-out threshold",
        big.followers_count > threshold,
        f"{big.followers_count:,} > {threshold:,}",
    )
    with report.step("scenario 2: post, then read the sample's feeds"):
        over_http, seen, reads = big_post_visibility(port, big, followers, http_followers, photo)
    report.ops += [over_http, seen, reads]
    pushed = pushed_to(followers, scalar("SELECT MAX(id) FROM posts_post WHERE author_id = %s", [big.pk]))
    report.check(
        "big post merged at read, not pushed",
        pushed == 0,
        f"{pushed} of {len(followers)} stored timelines got it",
    )
    report.figures["big http max s"] = worst_s(over_http)
    report.figures["big first-read misses"] = (
        seen.retried + seen.errors + over_http.retried + over_http.errors
    )
    report.figures["big read p99 ms"] = reads.quantile_ms(0.99)
    total = scalar("SELECT COUNT(*) FROM accounts_follow WHERE followee_id = %s AND accepted", [big.pk])
    report.check(
        "big account: followers_count = COUNT(follows)",
        total == big.followers_count,
        f"{big.followers_count:,} vs {total:,} rows",
    )


# Output -------------------------------------------------------------------------------------------------


def print_ops(recs: list[Recorder]) -> None:
    head = f"{'operation':<52} {'ok':>7} {'errors':>6} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    print(head)
    print("-" * len(head))
    for r in recs:
        print(
            f"{r.name:<52} {r.count:>7,} {r.errors:>6} {r.rate:>8.1f} {r.quantile_ms(0.5):>8.1f} "
            f"{r.quantile_ms(0.99):>8.1f} {r.quantile_ms(1.0):>8.1f}"
        )
    for r in recs:
        for sample in r.error_samples:
            print(f"  error in {r.name}: {sample}")
        if r.retried:
            print(f"  {r.name}: {r.retried} readers needed more than one read")


def target_rows(report: Report) -> list[tuple[str, str, bool | None]]:
    f = report.figures
    rows: list[tuple[str, str, bool | None]] = []
    if "feed p99 alone" in f:
        rows.append(
            (
                "home feed p99 < 50 ms, 64 readers alone",
                f"{f['feed p99 alone']:.1f} ms",
                f["feed p99 alone"] < 50,
            )
        )
    if "feed p99 launch" in f:
        rows.append(
            (
                "home feed p99 < 50 ms, 64 readers + writers",
                f"{f['feed p99 launch']:.1f} ms",
                f["feed p99 launch"] < 50,
            )
        )
    if f.get("raw insert/s"):
        share = f["like/s"] / f["raw insert/s"]
        rows.append(
            (
                "like rate >= 25 % of raw INSERT rate",
                f"{f['like/s']:,.1f}/s of {f['raw insert/s']:,.0f}/s = {share:.2%}",
                share >= 0.25,
            )
        )
    if "big http max s" in f:
        misses = int(f["big first-read misses"])
        rows.append(
            (
                f"{report.scale.big_followers / 1e6:g}M-follower post visible within 1 s",
                f"all HTTP readers <= {f['big http max s']:.3f} s; {misses} first reads missed it",
                f["big http max s"] <= VISIBLE_WITHIN_S and misses == 0,
            )
        )
    return rows


def print_summary(report: Report, total_s: float) -> None:
    print()
    print("=" * 100)
    print(
        f"Launch-day benchmark: scale {report.scale.name}, {report.db} + Redis, server granian WSGI, {os.cpu_count()} CPUs"
    )
    print("=" * 100)
    print_ops(report.ops)
    print()
    for note in report.notes:
        print(note)
    print()
    print(f"{'target (reported, not asserted)':<48} {'measured':<52} met")
    for name, measured, met in target_rows(report):
        print(f"{name:<48} {measured:<52} {'yes' if met else 'NO'}")
    f = report.figures
    if "floor p99" in f:
        print(
            f"(the floor, an empty JSON page through the same server and clients: p99 {f['floor p99']:.1f} ms, "
            f"{f['floor/s']:,.0f}/s"
            + (f" = {f['floor/s'] / f['raw insert/s']:.0%} of raw INSERT" if f.get("raw insert/s") else "")
            + ")"
        )
    print()
    for c in report.checks:
        print(f"{'PASS' if c.passed else 'FAIL'}  {c.name}: {c.detail}")
    print()
    print("time per step: " + "; ".join(f"{name} {s:.0f} s" for name, s in report.steps))
    print(f"total: {total_s:.0f} s")


# Main ---------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.launch", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", choices=sorted(SCALES), default=os.environ.get("BENCH_SCALE", "full") or "full"
    )
    parser.add_argument("--quick", action="store_true", help="the same as --scale small")
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
        help="an admin connection, to create the bench database",
    )
    parser.add_argument(
        "--db-name",
        type=checked_db_name,
        default=os.environ.get("BENCH_DB_NAME", DEFAULT_DB_NAME),
        help="the scratch PostgreSQL database the bench drops and creates (env BENCH_DB_NAME)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("BENCH_PORT", "0")),
        help="the server's port on 127.0.0.1 (env BENCH_PORT; 0: any free port)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        help="a Redis database the bench may flush",
    )
    parser.add_argument("--read-seconds", type=float, default=10.0, help="readers-alone baseline length")
    parser.add_argument(
        "--paced-every",
        type=float,
        default=2.0,
        help="also read at a person's pace: each reader a page every ~N s (0: skip); context, not the target",
    )
    parser.add_argument("--paced-seconds", type=float, default=20.0, help="length of the paced reading")
    parser.add_argument(
        "--floor-seconds",
        type=float,
        default=10.0,
        help="also time an empty JSON page with the same clients, the stack's floor (0: skip)",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=float(os.environ.get("BENCH_LAUNCH_SECONDS", "300")),
        help="time limit of the launch load (0: none; env BENCH_LAUNCH_SECONDS)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--skip-big", action="store_true", help="skip scenario 2 (the 3.2M followers)")
    parser.add_argument("--keep-db", action="store_true", help="leave the bench database for inspection")
    args = parser.parse_args(argv)
    if args.quick:
        args.scale = "small"
    if args.max_seconds <= 0:
        args.max_seconds = NO_LIMIT_S
    return args


@dataclass(frozen=True)
class Target:
    """Where this run's data lives and how the server is reached."""

    db_url: str
    sqlite_path: str  # "" for PostgreSQL
    port: int
    env: dict[str, str]

    @classmethod
    def make(cls, args: argparse.Namespace, tmp: Path) -> "Target":
        sqlite_path = str(tmp / "bench.sqlite3") if args.db == "sqlite" else ""
        db_url = f"sqlite:///{sqlite_path}" if sqlite_path else with_database(args.pg_url, args.db_name)
        port = args.port or free_port()
        env = app_env(
            db_url=db_url,
            redis_url=args.redis_url,
            data_dir=tmp / "data",
            port=port,
            secret=os.urandom(32).hex(),
        )
        return cls(db_url, sqlite_path, port, env)


def cpu_note(what: str, cpu_s: float, requests: int) -> str:
    return f"Server CPU, {what}: {cpu_s:.1f} s for {requests:,} requests = {cpu_s / max(requests, 1) * 1000:.1f} ms per request."


def run_launch_scenario(
    report: Report, args: argparse.Namespace, port: int, photo: bytes, server_pgid: int
) -> None:
    from openhouse.accounts.models import Account

    scale = report.scale
    with report.step(f"scenario 1: seed {scale.followers:,} followers, posts, sessions"):
        world = seed_launch(scale, photo)
        people = make_people(scale, world)
    verify_session(
        port,
        people.writers[-1],
        scalar("SELECT MAX(id) FROM posts_post WHERE author_id = %s", [world.org_id]),
    )
    print("   a hand-made session and a CSRF-checked POST work", flush=True)
    with report.step(f"scenario 1: {scale.readers} readers alone for {args.read_seconds:.0f} s"):
        cpu_before = group_cpu_s(server_pgid)
        alone = readers_alone(port, people.readers, args.read_seconds)
        cpu_s = group_cpu_s(server_pgid) - cpu_before
    report.notes.append(cpu_note("64 readers alone (GET /)", cpu_s, alone.count + alone.errors))
    report.figures["cpu ms per feed"] = cpu_s / max(alone.count, 1) * 1000
    floor = []
    if args.floor_seconds > 0:
        with report.step(f"the floor: an empty page, {scale.readers} clients for {args.floor_seconds:.0f} s"):
            floor = [framework_floor(port, people.readers, args.floor_seconds)]
        report.figures["floor p99"] = floor[0].quantile_ms(0.99)
        report.figures["floor/s"] = floor[0].rate
    paced = []
    if args.paced_every > 0:
        with report.step(
            f"scenario 1: {scale.readers} readers at a person's pace for {args.paced_seconds:.0f} s"
        ):
            paced = [readers_paced(port, people.readers, args.paced_seconds, args.paced_every)]
    post_id, committed = publish(Account.objects.get(pk=world.org_id), "We're live! #launchday", photo)
    sight = first_sight(port, people.readers, post_id, committed)
    before = pg_activity()
    with report.step(
        f"scenario 1: launch ({scale.likes:,} likes, {scale.comments:,} comments, {scale.follows:,} follows)"
    ):
        cpu_before = group_cpu_s(server_pgid)
        recs = run_launch(port, scale, world, post_id, people, photo, args.max_seconds)
        cpu_s = group_cpu_s(server_pgid) - cpu_before
    writes = sum(recs[k].count + recs[k].errors for k in ("like", "comment", "follow"))
    planned = scale.likes + scale.comments + scale.follows
    report.figures["launch done"] = writes / planned
    report.notes.append(
        f"Launch writes done: {writes:,} of {planned:,} ({writes / planned:.0%})"
        + (
            ""
            if writes == planned
            else f", stopped by the {args.max_seconds:.0f} s limit (--max-seconds 0 for none)"
        )
        + f"; the writers took {recs['like'].elapsed:.0f} s."
    )
    reads = recs["feed"].count + recs["feed"].errors
    report.notes.append(cpu_note("the launch (GET / and writes)", cpu_s, writes + reads))
    note = activity_note(before, pg_activity(), writes, reads)
    if note:
        report.notes.append(note)
    report.ops += [alone, *floor, *paced, sight, *recs.values()]
    report.figures["feed p99 alone"] = alone.quantile_ms(0.99)
    report.figures["feed p99 launch"] = recs["feed"].quantile_ms(0.99)
    report.figures["like/s"] = recs["like"].rate
    with report.step("scenario 1: fold tallies and check every counter"):
        check_launch_rows(report, recs, post_id)
        check_counters(report, "after the launch")


def run_raw_insert(report: Report, target: Target, tmp: Path, when: str) -> None:
    """Measured twice, on the fresh database and after the launch, as a gauge of the machine's noise.

    The like rate is compared with the higher of the two: what the database showed it can do in this run.
    """
    with report.step(f"raw single-row INSERT rate, {when}"):
        rate, method = raw_insert_rate(target, tmp)
    rates = report.raw_rates
    rates.append(rate)
    print(f"   {rate:,.0f} inserts/s ({method})", flush=True)
    report.figures["raw insert/s"] = max(rates)
    if "like/s" in report.figures:
        like_rate = report.figures["like/s"]
        report.notes.append(
            f"Raw single-row INSERT rate ({method}, one row per transaction): "
            + " and ".join(f"{r:,.0f}/s" for r in rates)
            + f" (fresh database, after the launch). Like rate during the launch: {like_rate:,.1f}/s = "
            f"{like_rate / max(rates):.2%} of the higher."
        )


def run_all(report: Report, args: argparse.Namespace, target: Target, tmp: Path) -> None:
    with report.step("fresh database, Redis db flushed, migrations"):
        if not target.sqlite_path:
            recreate_pg_database(args.pg_url, args.db_name)
        flush_redis(args.redis_url)
        migrate(target.env)
    run_raw_insert(report, target, tmp, "fresh database")
    setup_django(target.env)
    photo = photo_bytes()
    log = tmp / "server.log"
    with running_server(target.env, target.port, log, args.workers, args.threads) as (startup_s, pgid):
        report.steps.append((f"server start ({args.workers} workers x {args.threads} threads)", startup_s))
        print(f"   the server answers on port {target.port} after {startup_s:.1f} s", flush=True)
        run_launch_scenario(report, args, target.port, photo, pgid)
        run_raw_insert(report, target, tmp, "after the launch")
        if not args.skip_big:
            run_big(report, report.scale, target.port, photo)
    errors = server_errors(log)
    if errors:
        listed = "\n".join(f"  {n} x {line}" for line, n in errors.most_common(8))
        report.notes.append(f"The server logged {errors.total()} exceptions:\n{listed}")


def server_errors(log: Path) -> Counter[str]:
    """The exception ending each traceback in the server log, counted (a chained one counts once, as its last)."""
    found: Counter[str] = Counter()
    in_traceback, last = False, ""
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("Traceback"):
            in_traceback = True
        elif line.startswith(("The above exception", "During handling of the above")) and last:
            found[last] -= 1  # the exception that follows replaces it
        elif in_traceback and line and not line[0].isspace():
            last = line[:200]
            found[last] += 1
            in_traceback = False
    return +found


def cleanup(args: argparse.Namespace) -> None:
    with suppress(Exception):
        from django.db import connections

        connections.close_all()
    if args.db == "postgres" and not args.keep_db:
        drop_pg_database(args.pg_url, args.db_name)
    flush_redis(args.redis_url)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    report = Report(SCALES[args.scale], "PostgreSQL" if args.db == "postgres" else "SQLite")
    with tempfile.TemporaryDirectory(prefix="openhouse-launch-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            run_all(report, args, Target.make(args, tmp), tmp)
        finally:
            cleanup(args)
    print_summary(report, time.perf_counter() - started)
    return 0 if all(c.passed for c in report.checks) else 1


if __name__ == "__main__":
    sys.exit(main())
