"""The API under load: a running openhouse server answering Mastodon clients over HTTP.

Three phases, one after the other, each by CLIENTS concurrent clients (closed loop, no think time) with
their own OAuth token, for at most --seconds each and a bounded number of requests:

1. create status: `POST /api/v1/statuses` with one photo uploaded beforehand (the photo pipeline has its own
   benchmark, bench.media; here the API, the post service and the fan-out into followers' timelines count);
2. home timeline: `GET /api/v1/timelines/home?limit=20` (each client follows FOLLOWS others);
3. favourite: `POST /api/v1/statuses/:id/favourite`, each client liking posts of others once each.

Printed per phase: requests, errors, requests per second, p50, p99 and max latency. Every answer is checked
(status 200, the JSON status's id; a favourite must come back favourited); the exit status is non-zero when
any request failed.

Isolation: its own PostgreSQL database (--db-name, BENCH_API_DB_NAME, default openhouse_bench_api; dropped
and created afresh, dropped at the end unless --keep-db) and Redis database (--redis-url, BENCH_API_REDIS_URL,
default db 8; flushed at start and end). The server is `openhouse serve` (granian WSGI, 2 workers x 8
threads, production settings) on --port (BENCH_API_PORT; a free loopback port by default), stopped at the
end whatever happens. Tokens are made in this process through django-oauth-toolkit's models, as the token
endpoint would; the API's rate limits stay on, raised so that they count but do not refuse.

Usage: `make bench` (after bench.media and bench.launch), or `python -m bench.api [--seconds 15]`.
"""

import argparse
import http.client
import json
import os
import secrets
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bench.launch import (
    DEFAULT_PG_URL,
    Recorder,
    app_env,
    flush_redis,
    free_port,
    migrate,
    photo_bytes,
    running_server,
    setup_django,
    with_database,
)

DEFAULT_DB_NAME = "openhouse_bench_api"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/8"
CLIENTS = 16
FOLLOWS = 4
CREATES_PER_CLIENT = 40  # photos seeded per client: the create phase stops when they run out
LIKES_PER_CLIENT = 400


def recreate_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Client:
    account_id: int
    token: str
    media_ids: list[int]
    to_like: list[int]


def seed(clients: int, photo: bytes) -> list[Client]:
    """Accounts that follow each other in a ring, tokens, and unattached photos for the create phase."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application, set_token_value

    from openhouse.accounts.models import Account
    from openhouse.media import services as media
    from openhouse.media.models import MediaItem
    from openhouse.social import services as social

    app = Application.objects.create(
        name="bench",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="urn:ietf:wg:oauth:2.0:oob",
    )
    accounts = [
        Account.objects.create_user(f"bench.api.{n}", f"b{n}@example.org", None) for n in range(clients)
    ]
    for n, account in enumerate(accounts):
        for k in range(1, FOLLOWS + 1):
            social.follow(actor=account, target=accounts[(n + k) % clients])
    # One photo is cleaned once; its renditions are shared by copies of the row (the files are read-only).
    template = media.store_photo(
        owner=accounts[0], upload=SimpleUploadedFile("p.jpg", photo), alt_text="bench"
    )
    out = []
    for account in accounts:
        token = AccessToken(
            user=account,
            application=app,
            scope="read write follow",
            expires=timezone.now() + timedelta(days=1),
        )
        raw = secrets.token_urlsafe(32)
        set_token_value(token, raw)
        token.save()
        items = [
            MediaItem(
                key=secrets.token_urlsafe(18),
                owner=account,
                alt_text="bench photo",
                width=template.width,
                height=template.height,
                renditions=template.renditions,
                placeholder=template.placeholder,
            )
            for _ in range(CREATES_PER_CLIENT)
        ]
        MediaItem.objects.bulk_create(items)
        out.append(Client(account.pk, raw, [i.pk for i in items], []))
    return out


class Api:
    """One keep-alive connection, reopened after a failure, sending the client's bearer token."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._conn: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, form: dict | None = None) -> tuple[int, object]:
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = dict(self.headers)
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self._conn.request(method, path, body=body, headers=headers)
            response = self._conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.will_close:
            self.close()
        try:
            return response.status, json.loads(data or b"null")
        except ValueError:
            return response.status, data[:120]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


NOTHING_LEFT = "nothing left"  # what an operation returns when its client has no more work


def run_phase(
    name: str, clients: list[Client], port: int, seconds: float, op: Callable[[Api, Client], str | None]
) -> Recorder:
    """Each client repeats `op` (None: answered right; a string: what was wrong) until it returns
    NOTHING_LEFT or the time is up."""
    rec = Recorder(name)
    deadline = time.monotonic() + seconds

    def loop(client: Client) -> None:
        api = Api(port, client.token)
        try:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    problem = op(api, client)
                except Exception as exc:
                    rec.error(f"{type(exc).__name__}: {exc}"[:160])
                    continue
                if problem is NOTHING_LEFT:
                    return
                if problem is None:
                    rec.ok(time.perf_counter() - started)
                else:
                    rec.error(problem)
        finally:
            api.close()

    threads = [threading.Thread(target=loop, args=(c,), name=f"{name}-{n}") for n, c in enumerate(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    rec.elapsed = time.perf_counter() - began
    return rec


def create_status(api: Api, client: Client) -> str | None:
    if not client.media_ids:
        return NOTHING_LEFT
    media_id = client.media_ids.pop()
    status, body = api.call(
        "POST", "/api/v1/statuses", {"status": "From the archive #bench", "media_ids[]": [media_id]}
    )
    if status != 200 or not isinstance(body, dict) or not body.get("id"):
        return f"create: HTTP {status} {str(body)[:100]}"
    return None


def home_timeline(api: Api, client: Client) -> str | None:
    status, body = api.call("GET", "/api/v1/timelines/home?limit=20")
    if status != 200 or not isinstance(body, list) or not body:
        return f"home: HTTP {status} {str(body)[:100]}"
    return None


def favourite(api: Api, client: Client) -> str | None:
    if not client.to_like:
        return NOTHING_LEFT
    post_id = client.to_like.pop()
    status, body = api.call("POST", f"/api/v1/statuses/{post_id}/favourite")
    if status != 200 or not isinstance(body, dict) or body.get("favourited") is not True:
        return f"favourite: HTTP {status} {str(body)[:100]}"
    return None


def plan_likes(clients: list[Client]) -> None:
    """Each client likes others' posts, newest first, each pair once."""
    from openhouse.posts.models import Post

    ids = list(Post.objects.order_by("-id").values_list("id", "author_id")[: LIKES_PER_CLIENT * 4])
    for client in clients:
        client.to_like = [pid for pid, author in ids if author != client.account_id][:LIKES_PER_CLIENT][::-1]


def print_table(recs: list[Recorder]) -> None:
    print(
        f"\n{'operation':<34}{'requests':>9}{'errors':>7}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    )
    for r in recs:
        print(
            f"{r.name:<34}{r.count:>9,}{r.errors:>7}{r.rate:>9.1f}"
            f"{r.quantile_ms(0.5):>9.1f}{r.quantile_ms(0.99):>9.1f}{r.quantile_ms(1.0):>9.1f}"
        )
        for sample in r.error_samples:
            print(f"    error: {sample}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--db-name", default=os.environ.get("BENCH_API_DB_NAME", DEFAULT_DB_NAME))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_API_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_API_PORT", "0")))
    parser.add_argument("--seconds", type=float, default=15.0, help="time limit of each phase")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--keep-db", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    port = args.port or free_port()
    db_url = with_database(args.pg_url, args.db_name)
    recs: list[Recorder] = []
    with tempfile.TemporaryDirectory(prefix="openhouse-bench-api-") as tmp_name:
        tmp = Path(tmp_name)
        env = app_env(
            db_url=db_url,
            redis_url=args.redis_url,
            data_dir=tmp / "data",
            port=port,
            secret=os.urandom(32).hex(),
        )
        env["OPENHOUSE_API_RATE_PER_TOKEN"] = env["OPENHOUSE_API_RATE_PER_IP"] = "1000000000"
        try:
            print(f"-- database {args.db_name}, Redis {args.redis_url}, port {port}", flush=True)
            recreate_database(args.pg_url, args.db_name)
            flush_redis(args.redis_url)
            migrate(env)
            setup_django(env)
            started = time.perf_counter()
            clients = seed(args.clients, photo_bytes())
            print(f"-- seeded {len(clients)} clients in {time.perf_counter() - started:.1f} s", flush=True)
            with running_server(env, port, tmp / "server.log", args.workers, args.threads) as ready_s:
                print(
                    f"-- server ready in {ready_s:.1f} s; {args.clients} clients, <= {args.seconds:.0f} s a phase",
                    flush=True,
                )
                recs.append(
                    run_phase("create status (POST, 1 photo)", clients, port, args.seconds, create_status)
                )
                recs.append(run_phase("home timeline (GET, 20)", clients, port, args.seconds, home_timeline))
                plan_likes(clients)
                recs.append(run_phase("favourite (POST)", clients, port, args.seconds, favourite))
        finally:
            with suppress(Exception):
                from django.db import connections

                connections.close_all()
            if not args.keep_db:
                with suppress(Exception):
                    drop_database(args.pg_url, args.db_name)
            with suppress(Exception):
                flush_redis(args.redis_url)
    print_table(recs)
    return 0 if recs and not any(r.errors for r in recs) else 1


if __name__ == "__main__":
    sys.exit(main())
