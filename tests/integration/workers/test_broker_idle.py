"""An idle worker costs nothing and still wakes at once (workers/broker.py).

Each test runs its own Redis (so that nothing else talks to it) and a real Dramatiq worker on
Signoff's broker in this process. Counts of the commands Redis served are compared, never
durations: a slow machine only makes them smaller. Where a test waits for work, the idle check
is set to an hour, so that only the wake can deliver it in the minute the test allows.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import dramatiq
import pytest
import redis
from dramatiq.brokers.redis import RedisBroker

from tests.support import redis_server
from workers import broker as brokers

QUEUE = "idle-test"
PATIENCE = 60.0  # seconds a test waits for what takes milliseconds


@pytest.fixture
def own_redis() -> Iterator[str]:
    with redis_server() as url:
        yield url


def served(client: redis.Redis) -> dict[str, int]:
    """Calls per command Redis has served so far (``INFO commandstats``)."""
    stats = client.info("commandstats")
    return {name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()}


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {PATIENCE:g} s")
        time.sleep(0.01)


class Running:
    """A broker, one actor recording what it was given, and a worker consuming its queue."""

    def __init__(self, url: str) -> None:
        self.broker = brokers.SignoffBroker(url=url, namespace=f"t{uuid.uuid4().hex[:8]}")
        self.done: list[int] = []
        self.release = threading.Event()
        self.release.set()

        def record(number: int) -> None:
            self.release.wait(PATIENCE)
            self.done.append(number)

        self.actor = dramatiq.actor(record, broker=self.broker, queue_name=QUEUE,
                                    actor_name=f"record_{uuid.uuid4().hex[:8]}", max_retries=0)
        self.worker = dramatiq.Worker(self.broker, worker_threads=1, worker_timeout=100)

    def __enter__(self) -> Running:
        self.worker.start()
        wait_until(self.broker.listening.is_set, "subscribing to the wake channel")
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.worker.stop(timeout=int(PATIENCE * 1000))
        self.broker.close()


@pytest.fixture
def hour_long_idle_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNOFF_WORKER_IDLE_CHECK_S", "3600")


@pytest.mark.usefixtures("hour_long_idle_check")
def test_an_idle_worker_sends_redis_nothing_and_wakes_at_once_on_new_work(own_redis: str):
    with Running(own_redis) as running:
        running.actor.send(1)
        wait_until(lambda: running.done == [1], "the first message")
        time.sleep(0.3)  # the consumers go back to waiting
        client = redis.Redis.from_url(own_redis)
        before = served(client)
        time.sleep(2.0)
        after = served(client)
        client.close()
        # Dramatiq's own consumers poll an empty queue with its Lua script (evalsha) every
        # 5-1000 ms, each call writing the heartbeat; Signoff's wait for a wake.
        calls = {name: after[name] - before.get(name, 0) for name in after
                 if after[name] != before.get(name, 0)}
        assert calls == {"info": 1}, calls  # the second INFO, nothing else

        running.actor.send(2)  # enqueue + publish: the listener wakes the consumer
        wait_until(lambda: running.done == [1, 2], "the second message, woken")


def test_a_message_enqueued_without_a_wake_is_found_by_the_idle_check(
        own_redis: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SIGNOFF_WORKER_IDLE_CHECK_S", "0.2")
    with Running(own_redis) as running:
        time.sleep(0.3)
        # Another program (or Dramatiq requeuing a dead worker's messages) enqueues without
        # publishing: plain Dramatiq's broker on the same namespace and queue.
        plain = RedisBroker(url=own_redis, namespace=running.broker.namespace)
        plain.declare_queue(QUEUE)
        plain.enqueue(running.actor.message(7))
        plain.close()
        wait_until(lambda: running.done == [7], "the unannounced message")


@pytest.mark.usefixtures("hour_long_idle_check")
def test_the_wake_channel_comes_back_after_its_connection_is_killed(own_redis: str):
    with Running(own_redis) as running:
        client = redis.Redis.from_url(own_redis)
        assert client.client_kill_filter(_type="pubsub") == 1
        client.close()
        wait_until(lambda: not running.broker.listening.is_set(), "noticing the lost channel")
        wait_until(running.broker.listening.is_set, "subscribing again")
        running.actor.send(3)
        wait_until(lambda: running.done == [3], "a message after the reconnection")


@pytest.mark.usefixtures("hour_long_idle_check")
def test_an_idle_worker_stops_without_waiting_for_its_idle_check(own_redis: str):
    running = Running(own_redis)
    with running:
        time.sleep(0.3)  # every consumer is in its hour-long wait
        stopper = threading.Thread(target=running.worker.stop, kwargs={"timeout": 3_600_000})
        stopper.start()
        stopper.join(PATIENCE)
        assert not stopper.is_alive(), "the worker waited for its idle check to stop"


def test_a_consumer_that_cannot_take_more_still_writes_its_heartbeat(
        own_redis: str, monkeypatch: pytest.MonkeyPatch):
    """A worker whose every prefetched message runs long fetches nothing, so Dramatiq's scripts
    write no heartbeat; without one, another worker would take its messages for a dead
    worker's and run them again."""
    monkeypatch.setattr(brokers, "HEARTBEAT_MS", 100)
    with Running(own_redis) as running:
        running.release.clear()  # the one worker thread holds the first message
        for number in range(running.worker.queue_prefetch):  # prefetch 2: at capacity
            running.actor.send(number)
        consumer = running.worker.consumers[QUEUE].consumer
        wait_until(lambda: consumer.outstanding_message_count == running.worker.queue_prefetch,
                   "taking the queue's prefetch")
        client = redis.Redis.from_url(own_redis)
        key = f"{running.broker.namespace}:__heartbeats__"
        first = client.zscore(key, running.broker.broker_id)
        wait_until(lambda: client.zscore(key, running.broker.broker_id) > first + 200,
                   "a newer heartbeat")
        client.close()
        running.release.set()
        wait_until(lambda: sorted(running.done) == [0, 1], "both messages")


@pytest.mark.usefixtures("hour_long_idle_check")
def test_an_idle_worker_pauses_and_resumes(own_redis: str):
    with Running(own_redis) as running:
        time.sleep(0.3)
        pauser = threading.Thread(target=running.worker.pause)
        pauser.start()
        pauser.join(PATIENCE)
        assert not pauser.is_alive(), "the worker waited for its idle check to pause"
        running.worker.resume()
        running.actor.send(4)
        wait_until(lambda: running.done == [4], "a message after resuming")


@pytest.mark.usefixtures("hour_long_idle_check")
def test_a_message_finished_while_the_consumer_looks_does_not_hide_the_rest_of_the_queue(
        own_redis: str, monkeypatch: pytest.MonkeyPatch):
    """The consumer has taken all it may (prefetch 1) and looks again; a worker thread finishes
    that message during the look. The queue still holds one: the consumer must come back for
    it at once, not wait for a wake that no enqueue will send."""
    import dramatiq.brokers.redis as dramatiq_redis

    broker = brokers.SignoffBroker(url=own_redis, namespace=f"t{uuid.uuid4().hex[:8]}")
    broker.declare_queue(QUEUE)
    actor = dramatiq.actor(lambda n: None, broker=broker, queue_name=QUEUE,
                           actor_name=f"noop_{uuid.uuid4().hex[:8]}")
    actor.send(1)
    actor.send(2)
    consumer = broker.consume(QUEUE, prefetch=1, timeout=100)
    first = next(consumer)
    assert list(first.args) == [1]
    finish, sleep = [first], time.sleep

    def finished_meanwhile(seconds: float) -> None:  # Dramatiq's consumer yields here
        while finish:
            consumer.ack(finish.pop())
        sleep(seconds)

    monkeypatch.setattr(dramatiq_redis.time, "sleep", finished_meanwhile)
    following = [next(consumer) for _ in range(5)]  # each call waits 0.1 s at most
    monkeypatch.undo()
    assert [list(m.args) for m in following if m is not None] == [[2]]
    broker.close()


@pytest.mark.usefixtures("hour_long_idle_check")
def test_a_backlog_drains_without_a_wake_for_each_message(
        own_redis: str, monkeypatch: pytest.MonkeyPatch):
    """All messages are enqueued before the worker starts; it takes two at a time (its
    prefetch) and must come back for the rest as its thread finishes them, not wait for a wake
    that no enqueue will send. (A look planned as if the queue were empty would wait an hour.)"""
    monkeypatch.setattr(brokers, "HEARTBEAT_MS", 3_600_000)
    running = Running(own_redis)
    for number in range(60):
        running.actor.send(number)
    with running:
        wait_until(lambda: sorted(running.done) == list(range(60)), "draining the backlog")


@pytest.mark.usefixtures("hour_long_idle_check")
def test_an_enqueue_and_its_wake_are_one_round_trip_even_after_redis_lost_its_scripts(
        own_redis: str):
    with Running(own_redis) as running:
        client = redis.Redis.from_url(own_redis)
        running.release.clear()  # the worker holds the first message: it asks Redis nothing
        running.actor.send(1)
        wait_until(lambda: running.broker.queue_length(QUEUE) == 0, "taking the first message")
        sent = []
        pipeline = redis.client.Pipeline.execute

        def counted(pipe, *args, **kwargs):
            sent.append([command[0][0] for command in pipe.command_stack])
            return pipeline(pipe, *args, **kwargs)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(redis.client.Pipeline, "execute", counted)
            running.actor.send(2)
            assert sent == [["EVALSHA", "PUBLISH"]]  # the enqueue and its wake, together
            client.script_flush()  # as a restarted Redis: the enqueue script is gone
            running.actor.send(3)  # loaded again, run, and the wake sent after it
        running.release.set()
        wait_until(lambda: sorted(running.done) == [1, 2, 3], "every message, woken")
        client.close()
