"""An asyncio service that offloads its blocking handlers to betapool.

The shape of a FastAPI or aiohttp application whose handlers call blocking
code (a database driver, a file system, a library without async support):
the event loop stays free to accept requests while each blocking call runs
on a thread of an AdaptiveThreadPoolExecutor, which sizes itself to the
work. Standard library only; the "requests" come from an in-process load
generator, so it runs anywhere in a few seconds:

    PYTHONPATH=build/bindings/python python3 bindings/python/examples/asyncio_service.py

What it shows:
- ``await loop.run_in_executor(pool, fn, *args)`` in a request handler,
  and ``asyncio.wrap_future(pool.submit(fn, ...))`` for background jobs
  (``submit`` takes keyword arguments, ``run_in_executor`` does not);
- an exception raised by the blocking code reaching the awaiting handler,
  which turns it into an error response;
- the event loop staying responsive (its lag is measured) while the
  blocking calls run;
- the pool growing while the handlers wait on "I/O", with the GIL-aware
  policy ``gil_wait_veto`` (C++, no GIL needed on the controller thread);
- a graceful shutdown: stop taking requests, await what is in flight, then
  shut the pool down without blocking the loop.

In a real FastAPI app the same two lines go into an ``async def`` endpoint:
``loop = asyncio.get_running_loop(); return await loop.run_in_executor(pool,
blocking_call, arg)``, with the pool created at startup and shut down at
application shutdown. (asyncio's ``loop.set_default_executor`` accepts only
``ThreadPoolExecutor`` instances, so pass the pool explicitly as here.)

Run by the test suite (ctest test python_asyncio_example, label python) and
checked with ``mypy --strict`` (python_asyncio_example_types) when mypy is
installed.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import statistics
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from betapool import AdaptiveThreadPoolExecutor, ControllerConfig


# --- the blocking part: what a synchronous driver or library would do -------

class NotFound(KeyError):
    """The blocking lookup found nothing (a 404)."""


@dataclass(frozen=True)
class Request:
    path: str
    user_id: int


@dataclass(frozen=True)
class Response:
    status: int
    body: str


def load_user(user_id: int, io_seconds: float) -> Dict[str, object]:
    """A blocking "database" call: waits on I/O, then parses the row."""
    time.sleep(io_seconds)  # the socket wait; releases the GIL like real I/O
    if user_id % 17 == 0:
        raise NotFound(f"user {user_id}")
    return {"id": user_id, "name": f"user-{user_id}", "tags": list(range(user_id % 7))}


def render_profile(user: Dict[str, object], rounds: int) -> str:
    """CPU work on the result: encode it and sign it."""
    body = json.dumps(user, sort_keys=True)
    digest = body.encode()
    for _ in range(rounds):
        digest = hashlib.sha256(digest).digest()
    return json.dumps({"user": user, "etag": digest.hex()[:16]})


def profile_handler(request: Request, io_seconds: float, rounds: int) -> str:
    """The whole blocking handler, run on a pool thread."""
    return render_profile(load_user(request.user_id, io_seconds), rounds)


def write_audit_log(entries: List[str], *, fsync_seconds: float) -> int:
    """A blocking background job (a file write and fsync, simulated)."""
    time.sleep(fsync_seconds)
    return sum(len(e) for e in entries)


# --- the asyncio part: the service ------------------------------------------

@dataclass
class Stats:
    latencies: List[float] = field(default_factory=list)
    statuses: Dict[int, int] = field(default_factory=dict)
    max_loop_lag: float = 0.0
    max_threads: int = 0


class ProfileService:
    """An asyncio "web service" whose handlers offload blocking work."""

    def __init__(self, pool: AdaptiveThreadPoolExecutor, io_seconds: float,
                 rounds: int) -> None:
        self.pool = pool
        self.io_seconds = io_seconds
        self.rounds = rounds
        self.audit: List[str] = []
        self.accepting = True

    async def handle(self, request: Request) -> Response:
        """The endpoint: ``GET /users/{user_id}``."""
        if not self.accepting:
            return Response(503, "shutting down")
        loop = asyncio.get_running_loop()
        try:
            body = await loop.run_in_executor(
                self.pool, profile_handler, request, self.io_seconds, self.rounds)
        except NotFound as e:  # raised on a pool thread, caught here
            return Response(404, json.dumps({"error": str(e)}))
        self.audit.append(f"{request.path} 200")
        return Response(200, body)

    async def flush_audit(self) -> int:
        """A background job through submit() + wrap_future (keyword args)."""
        entries, self.audit = self.audit, []
        future = self.pool.submit(write_audit_log, entries, fsync_seconds=0.005)
        return await asyncio.wrap_future(future)


async def watch_loop(stats: Stats, pool: AdaptiveThreadPoolExecutor,
                     stop: asyncio.Event) -> None:
    """Measures how late the loop wakes up, and the pool size."""
    period = 0.01
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(period)
        stats.max_loop_lag = max(stats.max_loop_lag, time.perf_counter() - start - period)
        stats.max_threads = max(stats.max_threads, pool.get_current_thread_count())


async def client(service: ProfileService, user_ids: List[int], stats: Stats,
                 limit: asyncio.Semaphore) -> None:
    for user_id in user_ids:
        async with limit:
            start = time.perf_counter()
            response = await service.handle(Request(f"/users/{user_id}", user_id))
            stats.latencies.append(time.perf_counter() - start)
            stats.statuses[response.status] = stats.statuses.get(response.status, 0) + 1
            if response.status == 200:
                assert json.loads(response.body)["user"]["id"] == user_id


async def serve(requests: int, concurrency: int, io_seconds: float, rounds: int,
                seed: int) -> int:
    config = ControllerConfig(monitor_interval_sec=0.1, stabilization_window_sec=0.3,
                              warmup_task_count=10)
    stats = Stats()
    rng = random.Random(seed)
    user_ids = [rng.randrange(1, 10_000) for _ in range(requests)]
    expected_404 = sum(1 for u in user_ids if u % 17 == 0)
    pool = AdaptiveThreadPoolExecutor(4, 64, config=config, policy="gil_wait_veto")
    service = ProfileService(pool, io_seconds, rounds)
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_loop(stats, pool, stop))
    start = time.perf_counter()
    try:
        # Many concurrent connections, each sending its share of requests.
        limit = asyncio.Semaphore(concurrency)
        await asyncio.gather(*(client(service, user_ids[i::concurrency], stats, limit)
                               for i in range(concurrency)))
        elapsed = time.perf_counter() - start
        audited = await service.flush_audit()
    finally:
        # Graceful shutdown: refuse new requests, stop the watcher, then
        # shut the pool down (waiting for its queue) off the loop's thread.
        service.accepting = False
        stop.set()
        await watcher
        await asyncio.to_thread(pool.shutdown, wait=True)
    refused = await service.handle(Request("/users/1", 1))

    metrics = pool.get_metrics()
    lat = sorted(stats.latencies)
    p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))]
    print(f"{requests} requests from {concurrency} connections in {elapsed:.2f} s "
          f"({requests / elapsed:.0f} req/s); statuses {dict(sorted(stats.statuses.items()))}")
    print(f"latency p50 {statistics.median(lat) * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms "
          f"(handler I/O {io_seconds * 1e3:.0f} ms); event loop lag max "
          f"{stats.max_loop_lag * 1e3:.1f} ms")
    print(f"pool: policy {metrics['policy']}, 4 -> max {stats.max_threads} threads, "
          f"{metrics['total_tasks']} tasks, {metrics['failed_tasks']} raised; "
          f"audit job wrote {audited} bytes; after shutdown: {refused.status}")

    ok = (stats.statuses.get(200, 0) == requests - expected_404
          and stats.statuses.get(404, 0) == expected_404
          and len(lat) == requests and refused.status == 503
          and metrics["total_tasks"] == requests + 1
          and metrics["failed_tasks"] == expected_404)
    if not ok:
        print("FAILED: unexpected responses or task counts")
    return 0 if ok else 1


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="asyncio service on betapool")
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--io-ms", type=float, default=20.0)
    parser.add_argument("--sign-rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    return asyncio.run(serve(args.requests, args.concurrency, args.io_ms / 1e3,
                             args.sign_rounds, args.seed))


if __name__ == "__main__":
    raise SystemExit(main())
