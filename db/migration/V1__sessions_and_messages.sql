-- Sessions and their messages. Objects are created unqualified: Flyway runs this with
-- search_path set to the configured schema (POSTGRES_SCHEMA, default "chat").
-- Naming: <table>_pkey, <table>_<columns>_key (unique), <table>_<column>_check, <table>_<purpose>_idx.

CREATE TABLE sessions (
    id            uuid        NOT NULL,
    user_id       text        NOT NULL,
    title         text,
    metadata      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    archived      boolean     NOT NULL DEFAULT false,
    -- Also the last assigned seq: messages are never deleted one by one, so the count is the seq high-water mark.
    message_count integer     NOT NULL DEFAULT 0,
    version       integer     NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sessions_pkey PRIMARY KEY (id),
    CONSTRAINT sessions_user_id_check CHECK (char_length(user_id) BETWEEN 1 AND 255),
    CONSTRAINT sessions_title_check CHECK (title IS NULL OR char_length(title) <= 200),
    CONSTRAINT sessions_metadata_check CHECK (jsonb_typeof(metadata) = 'object'),
    CONSTRAINT sessions_message_count_check CHECK (message_count >= 0),
    CONSTRAINT sessions_version_check CHECK (version >= 1)
);

-- "A user's sessions by recency": GET /sessions filters on (user_id, archived) and walks (updated_at, id) descending.
CREATE INDEX sessions_user_recency_idx ON sessions (user_id, archived, updated_at DESC, id DESC);

CREATE TABLE messages (
    id          uuid        NOT NULL,
    session_id  uuid        NOT NULL,
    seq         integer     NOT NULL,
    role        text        NOT NULL,
    content     text        NOT NULL,
    sources     jsonb,
    latency_ms  integer,
    top_k       integer,
    query_type  text,
    metadata    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT messages_pkey PRIMARY KEY (id),
    -- Also "a session's messages by seq": every page read is a range scan of this index.
    CONSTRAINT messages_session_id_seq_key UNIQUE (session_id, seq),
    CONSTRAINT messages_session_id_fkey FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE,
    CONSTRAINT messages_seq_check CHECK (seq >= 1),
    CONSTRAINT messages_role_check CHECK (role IN ('user', 'assistant', 'system', 'tool')),
    CONSTRAINT messages_content_check CHECK (role = 'tool' OR content <> ''),
    CONSTRAINT messages_sources_check CHECK (sources IS NULL OR (jsonb_typeof(sources) = 'array' AND jsonb_array_length(sources) <= 100)),
    CONSTRAINT messages_latency_ms_check CHECK (latency_ms IS NULL OR latency_ms >= 0),
    CONSTRAINT messages_top_k_check CHECK (top_k IS NULL OR top_k BETWEEN 1 AND 1000),
    CONSTRAINT messages_query_type_check CHECK (query_type IS NULL OR query_type ~ '^[A-Za-z0-9_.:-]{1,64}$'),
    CONSTRAINT messages_metadata_check CHECK (jsonb_typeof(metadata) = 'object')
);

-- Idempotency-Key records: the first response of a POST, replayed for 24 hours.
CREATE TABLE idempotency_keys (
    user_id           text        NOT NULL,
    idempotency_key   text        NOT NULL,
    request_hash      text        NOT NULL,
    state             text        NOT NULL,
    response_status   integer,
    response_location text,
    response_body     text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, idempotency_key),
    CONSTRAINT idempotency_keys_idempotency_key_check CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
    CONSTRAINT idempotency_keys_state_check CHECK (state IN ('in_flight', 'completed')),
    CONSTRAINT idempotency_keys_response_check CHECK (state = 'in_flight' OR (response_status IS NOT NULL AND response_body IS NOT NULL))
);

-- Expiry sweeps delete by age.
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
