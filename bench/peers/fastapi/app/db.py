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


engine = create_async_engine(
    _async_url(os.environ["PEER_DSN"]),
    pool_size=int(os.environ.get("PEER_POOL_SIZE", "5")),
    max_overflow=int(os.environ.get("PEER_POOL_MAX_OVERFLOW", "10")),
    pool_pre_ping=False,
)

SessionLocal = sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def get_db() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session
