-- API keys and idempotency keys (docs/auth.md).

-- A key's secret (ry-<43 base64url characters>: 256 random bits) is never stored, only its SHA-256. A fast hash is
-- the right one here, unlike for passwords: the secret is high-entropy random, so the hash gives nothing to guess
-- from, and a slow KDF would only cost every request. The edge looks a key up by its hash and compares the hashes
-- in constant time. Once any row exists, the API requires keys (revoking every key does not reopen it).
create table api_keys (
    id                  text primary key,                    -- key_<random>; recorded on jobs, budgets scope to it
    tenant              text        not null references tenants (id),
    name                text,
    scopes              text[]      not null,
    hash                bytea       not null unique,         -- SHA-256 of the secret
    prefix              text        not null,                -- the secret's first characters, shown in lists
    requests_per_minute integer,                             -- null: the edge's default
    created_at          timestamptz not null default now(),
    last_used_at        timestamptz,                         -- updated at most once a minute per edge instance
    revoked_at          timestamptz,
    constraint api_keys_scopes_known check (cardinality(scopes) > 0 and scopes <@ array['submit', 'read', 'admin']),
    constraint api_keys_rpm_positive check (requests_per_minute is null or requests_per_minute > 0)
);
create index api_keys_tenant on api_keys (tenant, created_at);

-- One row per (tenant, Idempotency-Key) of a POST: claimed before the request runs (status null while it is in
-- flight), then the answer it got, replayed to every retry with the same request until expires_at (24 h).
create table idempotency_keys (
    tenant           text        not null,
    key              text        not null,
    method           text        not null,
    path             text        not null,
    request_hash     bytea       not null,                   -- SHA-256 of method, path and query, and body
    status           integer,
    response_headers jsonb,
    response_body    bytea,
    created_at       timestamptz not null default now(),
    expires_at       timestamptz not null,
    primary key (tenant, key)
);
create index idempotency_keys_expires on idempotency_keys (expires_at);
