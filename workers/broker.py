"""The Dramatiq broker that carries work between the web process and the workers.

Redis only carries work; the database stays the truth (see DESIGN.md). Where Redis lives:

1. the ``redis_url`` argument, when given;
2. otherwise the ``REDIS_URL`` environment variable (production: Redis or Valkey);
3. otherwise the embedded server that ``signoff redis`` runs on a unix socket,
   ``unix://<SIGNOFF_VAR_DIR or ./var>/redis.sock``.

redis-py (``ConnectionPool.from_url``, which ``RedisBroker`` uses) accepts ``redis://``,
``rediss://`` and ``unix://`` URLs alike.

**Waking instead of polling.** Dramatiq's Redis consumer looks at an empty queue again and
again (backing off to the worker's timeout, one second); each look runs a Lua script that
writes the worker's heartbeat, so an idle worker costs CPU in itself and in Redis, and grows
Redis's append-only file. Signoff's broker publishes the queue's name on one pub/sub channel
(``<namespace>:__wake__``) after every enqueue; each worker process listens on it with one
connection and wakes the consumer of that queue at once. A consumer that holds no message and
finds its queue empty waits for that wake, and every :data:`IDLE_CHECK_S` seconds looks at
its queue's length (a read: nothing is written) in case a message arrived without a wake
(enqueued by another program, or requeued from a dead worker). A consumer that holds messages
(being processed, or delayed until their time) also waits for a wake, but looks again at least
every :data:`HEARTBEAT_MS` (a delay queue every :data:`DELAY_POLL_MS`), which keeps its
process's heartbeat fresh; one that has taken all it may looks every :data:`POLL_MS` for a
free worker thread. Waiting, a consumer still hands control back to Dramatiq's consumer thread
after the worker's timeout, without looking, so that the thread can pause, stop or move delayed
messages on time. Pub/sub messages are never written to the append-only file.

Dramatiq binds each actor to the global broker when the actor is *declared*, and if none is set
it silently creates one pointing at localhost. So call :func:`setup_broker` before importing any
module that declares actors.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker, _RedisConsumer
from dramatiq.common import current_millis
from dramatiq.errors import ConnectionClosed
from dramatiq.middleware import Middleware

from approvals.config import var_dir

log = logging.getLogger(__name__)

#: File name of the embedded Redis socket inside the var directory
#: (``signoff.embedded_redis`` listens there).
SOCKET_NAME = "redis.sock"


def embedded_redis_url() -> str:
    """URL of the embedded Redis socket in the var directory."""
    return f"unix://{var_dir() / SOCKET_NAME}"


def resolve_redis_url(redis_url: str | None = None) -> str:
    """The Redis URL to use: the argument, else ``REDIS_URL``, else the embedded socket."""
    return redis_url or os.environ.get("REDIS_URL") or embedded_redis_url()


#: How often a consumer that has taken all it may (its prefetch) looks whether a worker thread
#: has finished one, to take the next (ms; no Redis call until then). ``SIGNOFF_WORKER_POLL_MS``
#: changes it.
POLL_MS = 25
#: A delay queue's consumer holding delayed messages looks this often (ms): their due time is
#: kept to this precision (Dramatiq's own default).
DELAY_POLL_MS = 1000
#: How often an idle consumer reads its queue's length without a wake (s):
#: ``SIGNOFF_WORKER_IDLE_CHECK_S`` changes it.
IDLE_CHECK_S = 30.0
#: A consumer that holds messages writes its process's heartbeat at least this often (ms), so
#: that they are not taken for a dead worker's (Dramatiq's timeout is 60 s).
HEARTBEAT_MS = 15_000


class SignoffBroker(RedisBroker):
    """Dramatiq's Redis broker whose consumers wait for a wake instead of polling (see the
    module docstring)."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.wake_channel = f"{self.namespace}:__wake__"
        self.poll_ms = int(os.environ.get("SIGNOFF_WORKER_POLL_MS") or POLL_MS)
        self.idle_check_s = float(os.environ.get("SIGNOFF_WORKER_IDLE_CHECK_S") or IDLE_CHECK_S)
        self._wakes: dict[str, threading.Event] = {}
        self._wakes_lock = threading.Lock()
        self._listener: threading.Thread | None = None
        self.listening = threading.Event()  # the wake channel is subscribed right now
        self.stopping = threading.Event()  # the worker is shutting down: no more long waits
        self._closed = threading.Event()
        self.add_middleware(_StopWaiting())

    # --- enqueuers: every enqueue wakes the queue's consumers --------------------------------

    def do_enqueue(self, queue_name, message_id, data):
        """Dramatiq's enqueue (its dispatch script, as :meth:`RedisBroker._dispatch` calls
        it) and the wake of ``queue_name`` (the delay queue's name when delayed) in one
        round trip: a pipeline, not a transaction. Every service command hands its outbox
        rows on with one enqueue, and a second round trip cost as much as the first.

        A script Redis does not hold (a restarted Redis) is loaded and run as Dramatiq
        does, and the wake is then sent again after it. A failed wake is only logged
        (:meth:`wake`); a failed enqueue raises, as before."""
        script = self.scripts["dispatch"]
        args = ["enqueue", current_millis(), queue_name, self.broker_id,
                self.heartbeat_timeout, self.dead_message_ttl,
                self._should_do_maintenance("enqueue"), self._max_unpack_size(),
                message_id, data]
        pipe = self.client.pipeline(transaction=False)
        pipe.evalsha(script.sha, 1, self.namespace, *args)
        pipe.publish(self.wake_channel, queue_name)
        enqueued, woken = pipe.execute(raise_on_error=False)
        if isinstance(enqueued, redis.exceptions.NoScriptError):
            script(keys=[self.namespace], args=args)
            self.wake(queue_name)
        elif isinstance(enqueued, Exception):
            raise enqueued
        elif isinstance(woken, Exception):
            log.warning("could not wake the consumers of %s: %s", queue_name, woken)

    def wake(self, queue_name: str) -> None:
        """Tell every worker process that ``queue_name`` has work. A failure only delays the
        work until the consumers' next look (:data:`IDLE_CHECK_S`), so it is logged, not
        raised: the message itself is already in Redis."""
        try:
            self.client.publish(self.wake_channel, queue_name)
        except (redis.RedisError, OSError) as error:
            log.warning("could not wake the consumers of %s: %s", queue_name, error)

    # --- workers: one listener thread per process wakes the waiting consumers ----------------

    def consume(self, queue_name, prefetch=1, timeout=5000):
        self._start_listener()
        return _WakeableConsumer(self, queue_name, prefetch, timeout)

    def wake_event(self, queue_name: str) -> threading.Event:
        with self._wakes_lock:
            return self._wakes.setdefault(queue_name, threading.Event())

    def wake_all(self) -> None:
        with self._wakes_lock:
            events = list(self._wakes.values())
        for event in events:
            event.set()

    def queue_length(self, queue_name: str) -> int:
        """How many messages wait in ``queue_name`` (a read: writes no heartbeat)."""
        return int(self.client.llen(f"{self.namespace}:{queue_name}"))

    def heartbeat(self) -> None:
        """Write this process's heartbeat, as every Dramatiq dispatch script does."""
        self.client.zadd(f"{self.namespace}:__heartbeats__", {self.broker_id: current_millis()})

    def _start_listener(self) -> None:
        with self._wakes_lock:
            if self._listener is None:
                self._listener = threading.Thread(target=self._listen, daemon=True,
                                                  name="signoff-wake-listener")
                self._listener.start()

    def _listen(self) -> None:
        pubsub = None
        while not self._closed.is_set():
            try:
                if pubsub is None:
                    pubsub = self.client.pubsub()
                    pubsub.subscribe(self.wake_channel)
                message = pubsub.get_message(timeout=1.0)
                if message is None:
                    continue
                if message["type"] == "subscribe":
                    # From now on no wake is missed; one may have been before: look again.
                    self.listening.set()
                    self.wake_all()
                elif message["type"] == "message":
                    name = message["data"].decode()
                    with self._wakes_lock:
                        event = self._wakes.get(name)
                    if event is not None:
                        event.set()
            except (redis.RedisError, OSError) as error:
                if self.listening.is_set() and not self._closed.is_set():
                    log.warning("wake channel lost (%s); consumers poll until it is back", error)
                self.listening.clear()
                self.wake_all()
                if pubsub is not None:
                    _close_quietly(pubsub)
                    pubsub = None
                self._closed.wait(1.0)
        self.listening.clear()
        if pubsub is not None:
            _close_quietly(pubsub)

    def close(self) -> None:
        self._closed.set()
        self.stopping.set()
        self.wake_all()
        super().close()


def _close_quietly(pubsub) -> None:
    try:
        pubsub.close()
    except (redis.RedisError, OSError):
        pass


class _WakeableConsumer(_RedisConsumer):
    """Dramatiq's Redis consumer that looks at its queue only when woken or when its next look
    is due, instead of after every pause.

    Each call waits at most the worker's timeout and then returns ``None`` without a message,
    as Dramatiq's consumer thread expects, so that it can pause, stop or move delayed messages.
    """

    def __init__(self, broker: SignoffBroker, queue_name: str, prefetch: int,
                 timeout: int) -> None:
        super().__init__(broker, queue_name, prefetch, timeout=0)  # the parent never sleeps
        self.wake = broker.wake_event(queue_name)
        self.delayed = queue_name.endswith(".DQ")
        self.wait_s = timeout / 1000
        self.last_heartbeat = time.monotonic()
        #: when to look again without a wake (monotonic s), and whether that look is only a
        #: read of the queue's length (idle); None: look at once
        self.next_look: tuple[float, bool] | None = None

    def __next__(self):
        try:
            if not self._time_to_look():
                return None
            self.wake.clear()  # before the look, so a wake after it is never missed
            # Only this thread takes messages; worker threads finish them meanwhile. So if it
            # has taken all it may now, the parent fetches nothing (or, if one finished just
            # now, fetches after all): the queue may still hold more either way.
            took_all = self.outstanding_message_count >= self.prefetch
            message = super().__next__()  # from what it took before, or a fetch
            self.next_look = None if message is not None else self._plan(took_all)
            return message
        except redis.ConnectionError as error:  # as Dramatiq's own consumer says it
            raise ConnectionClosed(error) from None

    def _time_to_look(self) -> bool:
        if self.next_look is None:
            return True
        due, idle = self.next_look
        if self.wake.wait(max(0.0, min(due - time.monotonic(), self.wait_s))):
            return True
        if time.monotonic() < due:
            return False
        if not idle:
            return True
        broker: SignoffBroker = self.broker
        if broker.queue_length(self.queue_name):  # a message that came without a wake
            return True
        self.next_look = (time.monotonic() + broker.idle_check_s, True)
        return False

    def _plan(self, took_all: bool) -> tuple[float, bool]:
        """After a look that gave nothing: when to look again unless woken."""
        broker: SignoffBroker = self.broker
        now = time.monotonic()
        held = self.outstanding_message_count  # being processed, or delayed until their time
        if took_all:  # it took none (no dispatch, no heartbeat): look again for a free thread
            if now - self.last_heartbeat >= HEARTBEAT_MS / 1000:
                broker.heartbeat()
                self.last_heartbeat = now
            return now + broker.poll_ms / 1000, False
        if held:  # the queue was empty: new work wakes it; the next look keeps the heartbeat
            # fresh, and a delay queue's the precision of its messages' due times
            return now + (DELAY_POLL_MS if self.delayed else HEARTBEAT_MS) / 1000, False
        if broker.stopping.is_set() or not broker.listening.is_set():
            return now + DELAY_POLL_MS / 1000, False  # a wake might be missed: poll
        return now + broker.idle_check_s, True


class _StopWaiting(Middleware):
    """A worker shutting down wakes its consumers, which then wait no longer than a poll, so
    that they stop as soon as Dramatiq asks them to."""

    def after_worker_boot(self, broker, worker) -> None:
        broker.stopping.clear()

    def before_worker_shutdown(self, broker, worker) -> None:
        broker.stopping.set()
        broker.wake_all()


def make_broker(redis_url: str | None = None) -> RedisBroker:
    """A Redis broker with Dramatiq's default middleware; does not touch global state."""
    return SignoffBroker(url=resolve_redis_url(redis_url))


def setup_broker(url: str | None = None) -> RedisBroker:
    """Create the broker, install it as Dramatiq's global broker, and return it."""
    broker = make_broker(url)
    dramatiq.set_broker(broker)
    return broker
