"""Pydantic request and response models (the API's JSON shapes)."""
from datetime import datetime
from typing import Any, Dict, List, Literal, Optional
from uuid import UUID

from pydantic import BaseModel, Field

Role = Literal["user", "assistant", "system", "tool"]


class MessageCreate(BaseModel):
    role: Role
    content: str
    sources: Optional[List[Dict[str, Any]]] = None
    latency_ms: Optional[int] = None
    top_k: Optional[int] = None
    query_type: Optional[str] = None


class MessageBatchCreate(BaseModel):
    messages: List[MessageCreate] = Field(..., min_items=1, max_items=100)


class MessageOut(BaseModel):
    id: UUID
    session_id: UUID
    role: str
    content: str
    sources: Optional[List[Dict[str, Any]]]
    latency_ms: Optional[int]
    top_k: Optional[int]
    query_type: Optional[str]
    created_at: datetime

    class Config:
        orm_mode = True


class MessageList(BaseModel):
    items: List[MessageOut]
    has_more: bool


class MessageBatchOut(BaseModel):
    items: List[MessageOut]


class SessionCreate(BaseModel):
    metadata: Optional[Dict[str, Any]] = None


class SessionOut(BaseModel):
    id: UUID
    user_id: str
    metadata: Optional[Dict[str, Any]] = Field(None, alias="metadata_")
    created_at: datetime
    updated_at: datetime

    class Config:
        orm_mode = True
        allow_population_by_field_name = True


class SessionList(BaseModel):
    items: List[SessionOut]
    next_cursor: Optional[str]
