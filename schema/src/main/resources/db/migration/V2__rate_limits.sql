-- Provider quotas shared by every provider-worker instance.

-- Bucket4j's token buckets (RPM and TPM per deployment and per provider key); the id names the scope and
-- the limit, so a changed limit starts a fresh bucket. State is Bucket4j's own serialisation.
CREATE TABLE rate_limit_buckets (
    id         TEXT PRIMARY KEY,
    state      BYTEA,
    expires_at BIGINT
);

-- A provider said "stop" (429 with Retry-After, or remaining quota 0 until a reset): every worker holds the
-- scope's calls until paused_until. Only ever moved later, never earlier, by concurrent writers.
CREATE TABLE rate_limit_pauses (
    scope        TEXT PRIMARY KEY,
    paused_until TIMESTAMPTZ NOT NULL,
    reason       TEXT NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
