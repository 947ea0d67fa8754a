-- Signed webhooks for jobs and batches (docs/webhooks.md): an outbox of events and a log of every delivery attempt.

-- Each tenant signs its webhooks with its own secret (whsec_<base64 of 32 random bytes>, Standard Webhooks). The edge
-- generates it (SecureRandom) the first time it is needed, so it is never derived from anything guessable.
alter table tenants add column webhook_secret text;

-- One row per event: recorded in the same transaction that makes its result readable through the API (a job's
-- terminal state by budget-service, a batch's final status by the edge), so it is never sent early, and keyed by
-- the stable event id (evt_<job or batch id>_<outcome>), so a redelivered result or a second instance cannot make a
-- second one. The payload is fixed when the event is recorded: every attempt sends the same bytes.
-- Status: pending while next_attempt_at is set, delivered when delivered_at is set, failed when gave_up_at is set.
create table webhook_events (
    id              text primary key,
    tenant          text        not null,
    type            text        not null,                    -- job.succeeded, job.failed, batch.completed, ...
    subject_id      text        not null,                    -- the job or batch id
    batch_id        text,                                    -- the batch (a batch's event, or a batch job's)
    url             text        not null,
    payload         text        not null,
    created_at      timestamptz not null default now(),
    attempts        integer     not null default 0,
    next_attempt_at timestamptz,                             -- null: nothing more to send
    delivered_at    timestamptz,
    last_status     integer,
    last_error      text,
    gave_up_at      timestamptz
);
create index webhook_events_due on webhook_events (next_attempt_at) where next_attempt_at is not null;
create index webhook_events_tenant_created on webhook_events (tenant, created_at desc, id desc);
create index webhook_events_subject on webhook_events (subject_id);
create index webhook_events_batch on webhook_events (batch_id) where batch_id is not null;

-- The delivery log: one row per attempt, whatever its outcome.
create table webhook_attempts (
    event_id     text        not null references webhook_events (id),
    attempt      integer     not null,                      -- 1-based
    attempted_at timestamptz not null,
    http_status  integer,                                   -- null: no answer (refused target, timeout, connection error)
    error        text,                                      -- null: delivered (2xx)
    duration_ms  bigint      not null,
    primary key (event_id, attempt)
);

-- A batch's event is recorded once its final status is readable (finalized, or failed at intake); webhook_event_id
-- marks the batches already done so the edge's sweep only looks at the few still waiting.
alter table batches add column webhook_event_id text;
create index batches_webhook_waiting on batches (created_at) where callback_url is not null and webhook_event_id is null;
-- Batches that ended before webhooks existed are not announced now, as jobs that ended before are not.
update batches set webhook_event_id = 'none'
where callback_url is not null and (status = 'failed' or finalized_at is not null);
