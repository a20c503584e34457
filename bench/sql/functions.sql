-- Helpers for the benchmark only (schema "bench", never in the service's schema).
--
-- pgbench variables are integers, so the pgbench scripts name a session by an integer index and turn it into the
-- session's UUID with bench.session_id(); the loader uses the same function, so both sides address the same rows.
-- Session index = user_number * 100000 + k (k = the user's k-th session), so the owner is index / 100000.

CREATE SCHEMA IF NOT EXISTS bench;

-- A UUIDv7-shaped id (48-bit "millisecond" prefix, version 7, variant 10) derived from the index: ids grow with
-- the index, like the service's time-ordered ids, and are unique.
CREATE OR REPLACE FUNCTION bench.session_id(i bigint) RETURNS uuid
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (lpad(to_hex(1700000000000 + i), 12, '0') || '7000' || '9' || lpad(to_hex(i), 15, '0'))::uuid;

-- Loaded messages: ordered by (session index, seq), so the loader appends to the right edge of both indexes.
CREATE OR REPLACE FUNCTION bench.message_id(i bigint, seq integer) RETURNS uuid
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (lpad(to_hex(1700000000000 + i), 12, '0') || '7000' || '8' || lpad(to_hex(seq), 15, '0'))::uuid;

-- The JWT subject (and so sessions.user_id) of user number u.
CREATE OR REPLACE FUNCTION bench.user_id(u bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 'user-' || u;

-- A fresh RFC 9562 UUIDv7 (current Unix milliseconds + random bits), as the service's UuidV7.next() makes for every
-- appended message: pgbench's appends land at the right edge of messages_pkey exactly like the service's.
CREATE OR REPLACE FUNCTION bench.uuid_v7() RETURNS uuid
    LANGUAGE sql VOLATILE PARALLEL SAFE
    RETURN encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                                          PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                                          FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid;
