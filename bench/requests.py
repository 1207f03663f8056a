"""CPU per request of the hot pages, in-process: the signed-in home feed and a like (JSON answer).

The launch benchmark (bench.launch) measures latency under load; this one says where a single request's
time goes, without a server or other clients: median wall and CPU time per request, SQL statements per
request, and optionally a cProfile of the home feed.

It seeds a small world like the launch's (an organisation with 12 posts, 16 ordinary accounts with 4 posts
each, a reader who follows the organisation and 4 of them) into a SQLite file in a temporary directory, with
Redis timelines when --redis-url is given (use a database you may flush).

Usage: `python -m bench.requests [--redis-url redis://127.0.0.1:6379/12] [--requests 200] [--profile 30]`.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

FEED_PAGE = 12


def setup(tmp: Path, redis_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="openhouse.settings",
        OPENHOUSE_DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        OPENHOUSE_REDIS_URL=redis_url,
        OPENHOUSE_SECRET_KEY=os.urandom(32).hex(),
        OPENHOUSE_DATA_DIR=str(tmp / "data"),
        OPENHOUSE_DEBUG="false",
        OPENHOUSE_SSL_REDIRECT="false",
        OPENHOUSE_ALLOWED_HOSTS="testserver",
        OPENHOUSE_TASK_BACKEND="immediate",
        OPENHOUSE_LOG_LEVEL="WARNING",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--no-input", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()


def seed() -> tuple[object, list[object], int]:
    """The reader, the accounts that will like, and the organisation's newest post."""
    from bench.launch import UNUSABLE_PASSWORD, photo_bytes, publish
    from openhouse.accounts.models import Account
    from openhouse.social import services as social

    photo = photo_bytes()
    org = Account.objects.create(
        handle="launchorg", password=UNUSABLE_PASSWORD, is_organisation=True, is_verified=True
    )
    friends = [Account.objects.create(handle=f"friend{i}", password=UNUSABLE_PASSWORD) for i in range(16)]
    reader = Account.objects.create(handle="reader", password=UNUSABLE_PASSWORD)
    likers = Account.objects.bulk_create(
        Account(handle=f"fan{i:04d}", password=UNUSABLE_PASSWORD) for i in range(1000)
    )
    for target in [org, *friends[:4]]:
        social.follow(actor=reader, target=target)
    for friend in friends:
        for n in range(4):
            publish(friend, f"Ordinary day {n} #everyday", photo)
    post_id = 0
    for n in range(FEED_PAGE):
        post_id, _ = publish(org, f"Behind the scenes, part {n} #countdown @friend1", photo)
    for fan in likers[:50]:
        social.like_post(actor=fan, post_id=post_id)
    return reader, likers[50:], post_id


def measure(name: str, requests: list, run, show_sql: bool = False) -> None:
    """Run each request once (after two warm-ups), printing median wall and CPU ms and statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run(requests[0])
    run(requests[1])
    wall, cpu, statements = [], [], []
    for item in requests[2:]:
        with CaptureQueriesContext(connection) as queries:
            w0, c0 = time.perf_counter(), time.process_time()
            run(item)
            wall.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)
        statements.append(len(queries.captured_queries))
    print(
        f"{name:<34} {len(wall):>5} {statistics.median(wall) * 1000:>9.2f} {statistics.median(cpu) * 1000:>9.2f} "
        f"{min(cpu) * 1000:>9.2f} {statistics.median(statements):>6.0f}",
        flush=True,
    )
    if show_sql:
        for q in queries.captured_queries:
            print("   ", q["sql"][:300])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.requests", description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", ""))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, help="cProfile this many requests of --what")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key")
    parser.add_argument("--lines", type=int, default=45, help="cProfile lines to print")
    parser.add_argument("--what", choices=["home", "like"], default="home")
    parser.add_argument(
        "--show-sql", action="store_true", help="print the statements of the last request of each"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="openhouse-requests-") as tmp_name:
        setup(Path(tmp_name), args.redis_url)
        from django.test import Client

        reader, likers, post_id = seed()
        client = Client()
        client.force_login(reader)
        # One client (one handler, as in a server process), each like under another account's session.
        from bench.launch import make_sessions

        liker = Client()
        fans = likers[: args.requests + 2 + args.profile]
        like_sessions = [ident.session_key for ident in make_sessions([f.pk for f in fans])]

        def home(_: object) -> None:
            response = client.get("/")
            assert response.status_code == 200 and response.content.count(b'class="card"') == FEED_PAGE

        def like(session_key: str) -> None:
            liker.cookies["sessionid"] = session_key
            response = liker.post(f"/p/{post_id}/like/", HTTP_ACCEPT="application/json")
            assert response.status_code == 200 and response.json()["liked"], response.content[:200]

        print(f"{'request':<34} {'n':>5} {'wall ms':>9} {'CPU ms':>9} {'min CPU':>9} {'SQL':>6}")
        measure("GET / (signed in, 12 cards)", list(range(args.requests + 2)), home, args.show_sql)
        measure("POST /p/<id>/like/ (JSON)", like_sessions[: args.requests + 2], like, args.show_sql)
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for c in like_sessions[-args.profile :]:
                home(None) if args.what == "home" else like(c)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.lines)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
