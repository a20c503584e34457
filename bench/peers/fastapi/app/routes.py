"""The chat API: sessions and their messages, under /api/v1 like the service."""
from typing import List, Optional
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .auth import current_user
from .db import get_db
from .models import ChatSession, Message
from .schemas import (MessageBatchCreate, MessageBatchOut, MessageCreate, MessageList, MessageOut, SessionCreate,
                      SessionList, SessionOut)

router = APIRouter(prefix="/api/v1")


async def owned_session(session_id: UUID, db: AsyncSession, user_id: str) -> ChatSession:
    chat = await db.get(ChatSession, session_id)
    if chat is None or chat.user_id != user_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Session not found")
    return chat


@router.post("/sessions", response_model=SessionOut, response_model_by_alias=False, status_code=status.HTTP_201_CREATED)
async def create_session(body: Optional[SessionCreate] = None, db: AsyncSession = Depends(get_db),
                         user_id: str = Depends(current_user)):
    chat = ChatSession(user_id=user_id, metadata_=(body.metadata if body and body.metadata is not None else {}))
    db.add(chat)
    await db.commit()
    await db.refresh(chat)
    return chat


@router.get("/sessions", response_model=SessionList, response_model_by_alias=False)
async def list_sessions(limit: int = Query(20, ge=1, le=100), cursor: Optional[str] = None,
                        db: AsyncSession = Depends(get_db), user_id: str = Depends(current_user)):
    offset = int(cursor) if cursor and cursor.isdigit() else 0
    result = await db.execute(
        select(ChatSession)
        .where(ChatSession.user_id == user_id)
        .order_by(ChatSession.updated_at.desc(), ChatSession.id.desc())
        .offset(offset)
        .limit(limit + 1)
    )
    sessions = result.scalars().all()
    next_cursor = str(offset + limit) if len(sessions) > limit else None
    return SessionList(items=[SessionOut.from_orm(s) for s in sessions[:limit]], next_cursor=next_cursor)


@router.post("/sessions/{session_id}/messages", response_model=MessageOut, status_code=status.HTTP_201_CREATED)
async def append_message(session_id: UUID, body: MessageCreate, db: AsyncSession = Depends(get_db),
                         user_id: str = Depends(current_user)):
    chat = await owned_session(session_id, db, user_id)
    message = Message(session_id=chat.id, **body.dict())
    db.add(message)
    chat.updated_at = func.now()
    await db.commit()
    await db.refresh(message)
    return message


@router.post("/sessions/{session_id}/messages:batch", response_model=MessageBatchOut, status_code=status.HTTP_201_CREATED)
async def append_messages(session_id: UUID, body: MessageBatchCreate, db: AsyncSession = Depends(get_db),
                          user_id: str = Depends(current_user)):
    chat = await owned_session(session_id, db, user_id)
    messages: List[Message] = [Message(session_id=chat.id, **m.dict()) for m in body.messages]
    db.add_all(messages)
    chat.updated_at = func.now()
    await db.commit()
    for message in messages:
        await db.refresh(message)
    return MessageBatchOut(items=messages)


@router.get("/sessions/{session_id}/messages", response_model=MessageList)
async def read_messages(session_id: UUID, limit: int = Query(50, ge=1, le=200), db: AsyncSession = Depends(get_db),
                        user_id: str = Depends(current_user)):
    await owned_session(session_id, db, user_id)
    result = await db.execute(
        select(Message)
        .where(Message.session_id == session_id)
        .order_by(Message.created_at.desc())
        .limit(limit + 1)
    )
    newest = result.scalars().all()
    items = list(reversed(newest[:limit]))
    return MessageList(items=items, has_more=len(newest) > limit)
