"""Django's Redis cache backend, keeping one client per connection pool.

Django's RedisCacheClient builds a new ``redis.Redis`` for every cache call,
and each one copies redis-py's table of ~170 response callbacks: measured on
the vacancy page, about a millisecond of every request went into that alone.
A ``redis.Redis`` only wraps its (thread-safe) pool, so one per pool is
enough; the pools themselves stay Django's."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient
