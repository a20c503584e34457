"""The FastAPI app: uvicorn app.main:app."""
from fastapi import Depends, FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from .db import engine, get_db
from .routes import router

app = FastAPI(title="RAG chat sessions (FastAPI peer)")
app.include_router(router)


@app.get("/health")
async def health(db: AsyncSession = Depends(get_db)):
    await db.execute(text("SELECT 1"))
    return {"status": "ok"}


@app.on_event("shutdown")
async def dispose_engine():
    await engine.dispose()
