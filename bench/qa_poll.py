"""How many live-Q&A polls one server answers: the figure behind polling instead of server-sent events.

Usage: with `openhouse serve` running and the demo loaded,
`python -m bench.qa_poll [BASE_URL] [SECONDS] [poll|page]`. Each client thread keeps one HTTP/1.1
connection and asks, as an open Q&A page does, whether the version changed (`?since=<current>` -> 204);
with `page` it reloads the whole session page instead, for comparison. Prints requests per second and
latency percentiles.
"""

import http.client
import json
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request

CLIENTS = 16


def main() -> None:
    base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    listing = urllib.request.urlopen(f"{base}/mi5official/qa/").read().decode()
    session_path = re.search(r'href="(/qa/\d+/)"', listing).group(1)
    live = f"{session_path}live/"
    version = json.loads(urllib.request.urlopen(base + live).read())["version"]
    target = f"{live}?since={version}"
    if len(sys.argv) > 3 and sys.argv[3] == "page":
        target = session_path
    host = urllib.parse.urlsplit(base)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        mine: list[float] = []
        seen: dict[int, int] = {}
        while time.monotonic() < stop:
            start = time.perf_counter()
            conn.request("GET", target)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            seen[response.status] = seen.get(response.status, 0) + 1
        with lock:
            latencies.extend(mine)
            for code, n in seen.items():
                statuses[code] = statuses.get(code, 0) + n

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    print(
        f"{len(latencies) / elapsed:,.0f} polls/s with {CLIENTS} keep-alive clients for {elapsed:.0f} s; statuses {statuses}"
    )
    print(f"latency p50 {q[49] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
