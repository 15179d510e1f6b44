"""asyncio on betapool's executors: loop.run_in_executor and
asyncio.wrap_future(executor.submit(...)), results, exceptions reaching the
awaiting coroutine, cancellation, and shutdown afterwards."""

import asyncio
import concurrent.futures
import threading
import time

import pytest

from betapool import AdaptiveThreadPoolExecutor, RejectedError


class HandlerError(ValueError):
    pass


def blocking_add(a, b, delay=0.005):
    time.sleep(delay)  # releases the GIL, as blocking I/O does
    return a + b


def failing(message):
    time.sleep(0.001)
    raise HandlerError(message)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, timeout=60))


def test_run_in_executor_returns_results():
    with AdaptiveThreadPoolExecutor(2, 8) as executor:
        async def main():
            loop = asyncio.get_running_loop()
            one = await loop.run_in_executor(executor, blocking_add, 1, 2)
            many = await asyncio.gather(
                *(loop.run_in_executor(executor, blocking_add, i, i) for i in range(50)))
            return one, many

        one, many = run(main())
    assert one == 3
    assert many == [2 * i for i in range(50)]


def test_wrap_future_returns_results_with_keyword_arguments():
    with AdaptiveThreadPoolExecutor(2, 8) as executor:
        async def main():
            f = executor.submit(blocking_add, 2, b=3, delay=0.001)
            assert isinstance(f, concurrent.futures.Future)
            return await asyncio.wrap_future(f)

        assert run(main()) == 5


def test_exception_reaches_the_awaiting_coroutine():
    with AdaptiveThreadPoolExecutor(2, 8) as executor:
        async def main():
            loop = asyncio.get_running_loop()
            with pytest.raises(HandlerError, match="from run_in_executor"):
                await loop.run_in_executor(executor, failing, "from run_in_executor")
            with pytest.raises(HandlerError, match="from wrap_future"):
                await asyncio.wrap_future(executor.submit(failing, "from wrap_future"))
            # gather(return_exceptions=True) sees the exception object itself.
            results = await asyncio.gather(
                loop.run_in_executor(executor, blocking_add, 1, 1),
                loop.run_in_executor(executor, failing, "in gather"),
                return_exceptions=True)
            assert results[0] == 2
            assert isinstance(results[1], HandlerError) and str(results[1]) == "in gather"
            # The pool keeps serving after a failed task.
            return await loop.run_in_executor(executor, blocking_add, 20, 22)

        assert run(main()) == 42
        assert executor.get_metrics()["failed_tasks"] == 3


def test_blocking_calls_do_not_block_the_event_loop():
    # The blocking calls wait for an event that only the loop's heartbeat
    # sets, after beating three times: they can return True only if the
    # loop kept running while they blocked (a blocked loop would leave them
    # to time out and return False).
    release = threading.Event()
    with AdaptiveThreadPoolExecutor(4, 8) as executor:
        async def main():
            loop = asyncio.get_running_loop()
            beats = 0

            async def heartbeat():
                nonlocal beats
                while beats < 3:
                    beats += 1
                    await asyncio.sleep(0.001)
                release.set()

            hb = asyncio.create_task(heartbeat())
            results = await asyncio.gather(
                *(loop.run_in_executor(executor, release.wait, 30) for _ in range(4)))
            await hb
            return results

        assert run(main()) == [True] * 4


def test_cancelling_the_awaiting_task_cancels_a_queued_call():
    release = threading.Event()
    with AdaptiveThreadPoolExecutor(1, 1) as executor:
        async def main():
            loop = asyncio.get_running_loop()
            running = loop.run_in_executor(executor, release.wait, 30)
            inner = executor.submit(blocking_add, 1, 2)  # queued behind it
            queued = asyncio.wrap_future(inner)
            await asyncio.sleep(0.01)
            queued.cancel()
            with pytest.raises(asyncio.CancelledError):
                await queued
            # asyncio passes the cancellation on from a done callback, which
            # runs on the loop's next iteration.
            await asyncio.sleep(0)
            assert inner.cancelled()
            release.set()
            assert await running is True
            return inner

        inner = run(main())
        # Cancellation propagates to the executor's future: the call never ran.
        assert inner.cancelled()


def test_shutdown_after_awaiting_and_submit_after_shutdown():
    executor = AdaptiveThreadPoolExecutor(2, 8)

    async def serve():
        loop = asyncio.get_running_loop()
        return await asyncio.gather(
            *(loop.run_in_executor(executor, blocking_add, i, 1) for i in range(10)))

    assert run(serve()) == list(range(1, 11))
    # Shutting down from the loop's thread, or from a worker of the loop's
    # default executor (as asyncio does for its own), both return.
    async def shutdown_off_loop():
        await asyncio.to_thread(executor.shutdown, wait=True)

    run(shutdown_off_loop())
    executor.shutdown(wait=True)  # idempotent

    async def after():
        loop = asyncio.get_running_loop()
        with pytest.raises(RejectedError):
            await loop.run_in_executor(executor, blocking_add, 1, 1)
        with pytest.raises(RuntimeError):  # RejectedError is a RuntimeError
            asyncio.wrap_future(executor.submit(blocking_add, 1, 1))

    run(after())
    assert executor.get_metrics()["total_tasks"] == 10


def test_executor_used_inside_the_coroutine_and_shut_down_there():
    async def main():
        loop = asyncio.get_running_loop()
        with AdaptiveThreadPoolExecutor(2, 4) as executor:
            pending = [loop.run_in_executor(executor, blocking_add, i, i, 0.01) for i in range(8)]
            first = await pending[0]
        # Leaving the with block shut the pool down after the queued calls
        # finished; their asyncio futures complete on the loop.
        rest = await asyncio.gather(*pending[1:])
        return first, rest

    first, rest = run(main())
    assert first == 0 and rest == [2 * i for i in range(1, 8)]


def test_set_default_executor_wants_a_thread_pool_executor():
    # asyncio accepts only concurrent.futures.ThreadPoolExecutor (and
    # subclasses) as the loop's default executor, so betapool's pool is
    # passed explicitly to run_in_executor instead (as above).
    async def main():
        with AdaptiveThreadPoolExecutor(1, 2) as executor:
            with pytest.raises(TypeError, match="ThreadPoolExecutor"):
                asyncio.get_running_loop().set_default_executor(executor)

    run(main())
