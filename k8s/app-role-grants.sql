-- chat-sessions: the two database roles and their privileges.
--
--   chat_migrator  owns schema "chat"; used only by `java -jar chat-sessions.jar migrate` (the Kubernetes
--                  init container, the docker-compose `migrate` service, a rollback Job running `undo`).
--                  It runs the DDL of the Flyway migrations, so the tables it creates belong to it.
--   chat_app       used by the serving pods: USAGE on the schema and SELECT, INSERT, UPDATE, DELETE on its
--                  tables, nothing else. It cannot CREATE (not even in schema public or a temporary table),
--                  ALTER, DROP or TRUNCATE anything, so the app never runs DDL. On chat.flyway_schema_history it keeps SELECT only (readiness reads the version).
--
-- `migrate` run with APP_DB_ROLE=chat_app (the Helm chart's init container and docker-compose do so) re-grants
-- the same privileges after every run, including USAGE/SELECT on any sequence, and makes the Flyway history
-- read-only for the app role; the default privileges below already cover tables created by later migrations.
--
-- Run it once per database, as a superuser (or a role with CREATEROLE that may create schemas), connected
-- to the database the service uses, with psql 15 or newer:
--
--   psql "host=DB_HOST dbname=chat user=postgres" -v ON_ERROR_STOP=1 \
--        -v migrator_password='...' -v app_password='...' -f k8s/app-role-grants.sql
--
-- The passwords may come from the environment instead (CHAT_MIGRATOR_PASSWORD, CHAT_APP_PASSWORD): that is
-- how docker-compose.yml runs this file from the postgres image's /docker-entrypoint-initdb.d.
-- Optional psql variables: migrator_role (default chat_migrator), app_role (default chat_app),
-- schema (default chat; must match POSTGRES_SCHEMA).
--
-- Safe to run again: existing roles are kept and their passwords set to the given ones (password rotation),
-- the grants are re-applied. Put the same user names and passwords in the Kubernetes Secret
-- (migration-username/-password, app-username/-password) or in docker-compose.yml.
--
-- Sequences: the current schema has none (ids are UUIDs made by the service); `migrate` with APP_DB_ROLE grants
-- USAGE/SELECT on any that a later migration adds.

\set ON_ERROR_STOP on

\getenv migrator_password CHAT_MIGRATOR_PASSWORD
\getenv app_password CHAT_APP_PASSWORD

\if :{?migrator_role}
\else
  \set migrator_role chat_migrator
\endif
\if :{?app_role}
\else
  \set app_role chat_app
\endif
\if :{?schema}
\else
  \set schema chat
\endif

\if :{?migrator_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'app-role-grants.sql: no migrator password (psql -v migrator_password=... or CHAT_MIGRATOR_PASSWORD)'; END $$;
\endif
\if :{?app_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'app-role-grants.sql: no app password (psql -v app_password=... or CHAT_APP_PASSWORD)'; END $$;
\endif
SELECT :'migrator_password' = '' OR :'app_password' = '' AS empty_password \gset
\if :empty_password
  DO $$ BEGIN RAISE EXCEPTION 'app-role-grants.sql: a role password is empty'; END $$;
\endif

-- The roles: they can log in and do nothing else by themselves.
SELECT format('CREATE ROLE %I', :'migrator_role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'migrator_role') \gexec
SELECT format('CREATE ROLE %I', :'app_role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_role') \gexec
ALTER ROLE :"migrator_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'migrator_password';
ALTER ROLE :"app_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'app_password';

SELECT format('GRANT CONNECT ON DATABASE %I TO %I, %I', current_database(), :'migrator_role', :'app_role') \gexec

-- No role gets DDL through PUBLIC: PostgreSQL 13 and 14 grant PUBLIC CREATE on schema public (15+ no longer do;
-- revoking again is harmless), and every version grants PUBLIC TEMPORARY on a new database, which would let the
-- app role create temporary tables. This database is the service's own, so nobody else relies on them.
SELECT format('REVOKE CREATE ON SCHEMA public FROM PUBLIC')
 WHERE EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') \gexec
SELECT format('REVOKE TEMPORARY, CREATE ON DATABASE %I FROM PUBLIC', current_database()) \gexec
SELECT format('REVOKE TEMPORARY, CREATE ON DATABASE %I FROM %I', current_database(), :'app_role') \gexec

-- Search (migration V3) needs the unaccent extension. The migration role has no CREATE on the database, so it may not
-- create it: the administrator does, here (a trusted extension on managed PostgreSQL; Debian ships it in postgresql-15).
CREATE EXTENSION IF NOT EXISTS unaccent;
-- The schema belongs to the migration role: Flyway creates its tables and its history table there.
CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION :"migrator_role";
ALTER SCHEMA :"schema" OWNER TO :"migrator_role";
REVOKE ALL ON SCHEMA :"schema" FROM PUBLIC;

-- The app role: USAGE on the schema, DML on the tables that exist now and on every table the migration
-- role creates later (default privileges), nothing more.
GRANT USAGE ON SCHEMA :"schema" TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA :"schema" TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrator_role" IN SCHEMA :"schema"
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";

-- The Flyway history is read-only for the app role (when it exists already, i.e. when this is run again after
-- a `migrate`).
SELECT format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON %I.flyway_schema_history FROM %I', :'schema', :'app_role')
 WHERE to_regclass(format('%I.flyway_schema_history', :'schema')) IS NOT NULL \gexec
