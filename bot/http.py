"""The HTTP client zhibu sends through: 16 connections, never more requests than them.

python-telegram-bot's default client keeps up to 256 connections to the Bot API and lets
every request in at once. zhibu runs up to 64 updates at a time (`bot/updates.py`), so a
burst of reports opened dozens of connections; and httpcore's pool, whenever a request
starts or ends, walks its connections and, for each idle one, counts them all
(`AsyncConnectionPool._assign_requests_to_connections`): quadratic in the connections.
At 64 connections that cost more than everything else a report does (measured with
`benchmarks/http_reports.py`: 12 ms of CPU per report against 4.5 ms).

So:
- the pool is small (`ZHIBU_HTTP_CONNECTIONS`, 16 by default: at 30 messages a second
  16 requests are under way at once only if each takes half a second), and a semaphore
  in front of it admits only as many requests as it has connections; the rest wait in
  asyncio's queue, first come, first served, at no cost per connection;
- the pool counts its connections once per walk (`_LinearPool`), not once per idle
  connection: the same decisions, linear.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpcore
import httpx
from telegram.request import HTTPXRequest

CONNECTIONS = 16

log = logging.getLogger(__name__)


class _LinearPool(httpcore.AsyncConnectionPool):
    """httpcore 1.0's pool with a walk linear in its connections, and no system call
    for connections it does not use.

    `_assign_requests_to_connections` follows httpcore's own (BSD licence) but for two
    things: it counts the connections once (httpcore builds a list of them anew for
    every idle connection it looks at), and it asks an idle connection whether it
    expired only when about to give it a request (httpcore asks every connection at
    every request's start and end, and for an idle one that is a poll of its socket).
    An expired connection thus stays in the pool until its turn comes, and is closed
    then, as httpcore would have closed it earlier. Only ever installed on a pool of
    exactly httpcore's class with the attributes read here (`BoundedRequest`).
    """

    def _assign_requests_to_connections(self) -> list[Any]:
        closing_connections = []

        # Connections closed, or idle beyond the keep-alive limit, go. Whether an idle
        # one expired (its keep-alive ran out, or the server closed it: a readable idle
        # socket, a system call or two to learn) is asked when it is about to be used,
        # not of every connection at every request's start and end.
        for connection in list(self._connections):
            if connection.is_closed():
                self._connections.remove(connection)
            elif connection.is_idle() and len(self._connections) > self._max_keepalive_connections:
                self._connections.remove(connection)
                closing_connections.append(connection)

        # Queued requests to connections: reuse, open one, or replace an idle one.
        queued_requests = [request for request in self._requests if request.is_queued()]
        for pool_request in queued_requests:
            origin = pool_request.request.url.origin
            chosen = None
            for connection in list(self._connections):
                if not (connection.can_handle_request(origin) and connection.is_available()):
                    continue
                if connection.is_idle() and connection.has_expired():
                    self._connections.remove(connection)
                    closing_connections.append(connection)
                    continue
                chosen = connection
                break
            if chosen is not None:
                pool_request.assign_to_connection(chosen)
            elif len(self._connections) < self._max_connections:
                connection = self.create_connection(origin)
                self._connections.append(connection)
                pool_request.assign_to_connection(connection)
            else:
                idle = next((c for c in self._connections if c.is_idle()), None)
                if idle is not None:
                    self._connections.remove(idle)
                    closing_connections.append(idle)
                    connection = self.create_connection(origin)
                    self._connections.append(connection)
                    pool_request.assign_to_connection(connection)

        return closing_connections


_POOL_ATTRIBUTES = ("_connections", "_requests", "_max_connections", "_max_keepalive_connections")


def _linear(client: httpx.AsyncClient) -> bool:
    """Give the client's own pool `_LinearPool`'s walk; False (and nothing changed) when
    httpx or httpcore are not the versions it was written for."""
    transport = getattr(client, "_transport", None)
    pool = getattr(transport, "_pool", None)
    if type(pool) is not httpcore.AsyncConnectionPool or not all(
        hasattr(pool, name) for name in _POOL_ATTRIBUTES
    ):
        log.info("http: httpcore's own connection pool kept (%s)", type(pool).__name__)
        return False
    pool.__class__ = _LinearPool
    return True


class BoundedRequest(HTTPXRequest):
    """`HTTPXRequest` with at most `connections` requests under way at once."""

    def __init__(self, connections: int = CONNECTIONS) -> None:
        super().__init__(connection_pool_size=connections)
        self._slots = asyncio.Semaphore(connections)

    def _build_client(self) -> httpx.AsyncClient:
        client = super()._build_client()
        _linear(client)
        return client

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        async with self._slots:
            return await super().do_request(*args, **kwargs)
