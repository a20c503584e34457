"""The async engine and the per-request AsyncSession (a FastAPI dependency)."""
import os
from typing import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import sessionmaker


def _async_url(dsn: str) -> str:
    # PEER_DSN is the libpq form (postgresql://user:pass@host:port/db); SQLAlchemy names the driver in the scheme.
    for prefix in ("postgresql://", "postgres://"):
        if dsn.startswith(prefix):
            return "postgresql+asyncpg://" + dsn[len(prefix):]
    return dsn


# SQLAlchemy's default pool (5 + 10 overflow) closes every overflow connection when it is returned: under 16
# concurrent requests per worker most requests then opened a PostgreSQL connection of their own (backend start,
# md5 auth, asyncpg's type introspection), which cost PostgreSQL ~8 ms of CPU per request. A team that load-tests
# sizes the pool instead: 20 per worker, no overflow (requests wait for a connection, as the service's pool of 20 does).
engine = create_async_engine(
    _async_url(os.environ["PEER_DSN"]),
    pool_size=int(os.environ.get("PEER_POOL_SIZE", "20")),
    max_overflow=int(os.environ.get("PEER_POOL_MAX_OVERFLOW", "0")),
    pool_pre_ping=False,
)

SessionLocal = sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def get_db() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session
