-- Railyard's durable record: tenants, batches, jobs, attempts and the spend ledger.
-- Writes are idempotent upserts; job state only moves forward (queued -> one terminal state).

create table tenants (
    id         text primary key,
    name       text        not null,
    created_at timestamptz not null default now()
);
insert into tenants (id, name) values ('default', 'Default tenant');

create table batches (
    id                text primary key,
    tenant            text        not null,
    endpoint          text        not null,
    completion_window text        not null default '24h',
    input_file_id     text,
    total_lines       integer     not null,
    invalid_lines     integer     not null default 0,
    metadata          jsonb,
    callback_url      text,
    status            text        not null,
    created_at        timestamptz not null default now(),
    in_progress_at    timestamptz,
    expires_at        timestamptz,
    failed_at         timestamptz,
    cancelled_at      timestamptz
);
create index batches_tenant_created on batches (tenant, created_at desc);

-- Lines of a batch input that never became jobs, reported in the batch's error output.
create table batch_line_errors (
    batch_id    text    not null references batches (id),
    line_number integer not null,
    custom_id   text,
    code        text    not null,
    field       text,
    message     text    not null,
    primary key (batch_id, line_number)
);

create table jobs (
    id                text primary key,
    tenant            text        not null,
    batch_id          text,
    custom_id         text,
    line_number       integer     not null default 0,
    endpoint          text        not null,
    model             text        not null,
    request           jsonb,
    priority          text,
    metadata          jsonb,
    callback_url      text,
    state             text        not null,
    deployment_id     text,
    routing           jsonb,
    response          jsonb,
    error             jsonb,
    prompt_tokens     bigint,
    completion_tokens bigint,
    cost              numeric(24, 12),
    attempt_count     integer     not null default 0,
    latency_ms        bigint,
    result_event_id   text,
    created_at        timestamptz not null default now(),
    finished_at       timestamptz
);
create index jobs_batch_line on jobs (batch_id, line_number) where batch_id is not null;
create index jobs_batch_state on jobs (batch_id, state) where batch_id is not null;

create table attempts (
    id                   text primary key,
    job_id               text        not null,
    deployment_id        text,
    provider             text,
    model                text,
    hop                  integer     not null,
    try_number           integer     not null,
    started_at           timestamptz,
    latency_ms           bigint,
    http_status          integer,
    prompt_tokens        bigint,
    completion_tokens    bigint,
    cached_prompt_tokens bigint,
    cost                 numeric(24, 12) not null default 0,
    billed               boolean     not null,
    error                jsonb,
    recorded_at          timestamptz not null default now()
);
create index attempts_job on attempts (job_id);

-- One row per billed attempt; the primary key makes a replayed result a no-op.
create table spend_ledger (
    attempt_id           text primary key,
    job_id               text            not null,
    tenant               text            not null,
    batch_id             text,
    model                text            not null,
    provider             text            not null,
    deployment_id        text            not null,
    prompt_tokens        bigint          not null,
    completion_tokens    bigint          not null,
    cached_prompt_tokens bigint          not null,
    cost                 numeric(24, 12) not null,
    estimated            boolean         not null default false,
    occurred_at          timestamptz     not null,
    recorded_at          timestamptz     not null default now()
);
create index spend_ledger_tenant_time on spend_ledger (tenant, occurred_at);
create index spend_ledger_batch on spend_ledger (batch_id) where batch_id is not null;
