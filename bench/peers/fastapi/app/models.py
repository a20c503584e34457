"""ORM models of the two Alembic-managed tables (schema.sql is what autogenerate made of them)."""
import os
import uuid

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base(metadata=MetaData(schema=os.environ.get("PEER_SCHEMA", "peer")))


class ChatSession(Base):
    __tablename__ = "sessions"

    id = Column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    user_id = Column(String(255), nullable=False, index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    updated_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    metadata_ = Column("metadata", JSON)

    messages = relationship("Message", back_populates="session", cascade="all, delete-orphan", passive_deletes=True)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_session_id_created_at", "session_id", "created_at"),)

    id = Column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    session_id = Column(UUID(as_uuid=True), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False)
    role = Column(String(20), nullable=False)
    content = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    sources = Column(JSON)
    latency_ms = Column(Integer)
    top_k = Column(Integer)
    query_type = Column(String(50))

    session = relationship("ChatSession", back_populates="messages")
