"""The Dramatiq broker that carries work between the web process and the workers.

Redis only carries work; the database stays the truth (see DESIGN.md). Where Redis lives:

1. the ``redis_url`` argument, when given;
2. otherwise the ``REDIS_URL`` environment variable (production: Redis or Valkey);
3. otherwise the embedded server that ``signoff redis`` runs on a unix socket,
   ``unix://<SIGNOFF_VAR_DIR or ./var>/redis.sock``.

redis-py (``ConnectionPool.from_url``, which ``RedisBroker`` uses) accepts ``redis://``,
``rediss://`` and ``unix://`` URLs alike.

Dramatiq binds each actor to the global broker when the actor is *declared*, and if none is set
it silently creates one pointing at localhost. So call :func:`setup_broker` before importing any
module that declares actors.
"""

from __future__ import annotations

import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from signoff.config import var_dir

#: File name of the embedded Redis socket inside the var directory
#: (``signoff.embedded_redis`` listens there).
SOCKET_NAME = "redis.sock"


def embedded_redis_url() -> str:
    """URL of the embedded Redis socket in the var directory."""
    return f"unix://{var_dir() / SOCKET_NAME}"


def resolve_redis_url(redis_url: str | None = None) -> str:
    """The Redis URL to use: the argument, else ``REDIS_URL``, else the embedded socket."""
    return redis_url or os.environ.get("REDIS_URL") or embedded_redis_url()


#: How long an idle worker waits between two looks at an empty queue, at most (ms). Dramatiq
#: backs off up to the worker's timeout (1 s), which would add up to a second to every hop of
#: a reply (inbound → decision → notification → mail); a few Redis calls a second per queue
#: are cheap. ``SIGNOFF_WORKER_POLL_MS`` changes it.
POLL_MS = 25


class SignoffBroker(RedisBroker):
    """Dramatiq's Redis broker, polling an empty queue at most every :data:`POLL_MS`."""

    def consume(self, queue_name, prefetch=1, timeout=5000):
        poll = int(os.environ.get("SIGNOFF_WORKER_POLL_MS") or POLL_MS)
        return super().consume(queue_name, prefetch, min(timeout, poll))


def make_broker(redis_url: str | None = None) -> RedisBroker:
    """A Redis broker with Dramatiq's default middleware; does not touch global state."""
    return SignoffBroker(url=resolve_redis_url(redis_url))


def setup_broker(url: str | None = None) -> RedisBroker:
    """Create the broker, install it as Dramatiq's global broker, and return it."""
    broker = make_broker(url)
    dramatiq.set_broker(broker)
    return broker


def bind(broker: RedisBroker) -> RedisBroker:
    """Move every Signoff actor onto ``broker`` and make it the global one.

    Actors are bound to a broker when declared; tests (and any process that learns its Redis
    URL only after import) call this instead of re-importing the actor modules.
    """
    from workers import actors

    dramatiq.set_broker(broker)
    for actor in actors.ACTORS:
        actor.broker = broker
        broker.declare_actor(actor)
    return broker
