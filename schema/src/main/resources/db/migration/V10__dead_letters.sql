-- Dead letters (docs/kafka.md, "Dead letters"): budget-service copies every record of railyard.jobs.dead-letter here so
-- operators can list and replay them through the API (GET /v1/dead-letters, POST /v1/dead-letters/{id}/replay).
-- Keyed by where the dead-letter record is, so a redelivered record is recorded once.
create table dead_letters (
    id               bigint generated always as identity primary key,
    dlq_topic        text        not null,
    dlq_partition    integer     not null,
    dlq_offset       bigint      not null,
    source_topic     text,                                 -- railyard.dlq.topic: where the original record was
    source_partition integer,
    source_offset    bigint,
    stage            text,                                 -- railyard.dlq.stage
    reason           text,
    error_type       text,
    job_id           text,                                 -- the railyard.job.id header, or the value's job_id, if readable
    tenant           text,
    record_key       bytea,
    record_value     bytea,
    headers          jsonb       not null default '[]',    -- [{"key":..,"value":<base64>}] in record order, dlq headers included
    recorded_at      timestamptz not null default now(),
    replayed_at      timestamptz,                          -- the last replay
    replay_topic     text,
    replay_partition integer,
    replay_offset    bigint,
    unique (dlq_topic, dlq_partition, dlq_offset)
);
