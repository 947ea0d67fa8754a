-- Budget scopes by API key, and jobs held by a defer budget (docs/budgets.md).

-- The API key a job was submitted with (budgets can be scoped to it); null for jobs produced straight to Kafka.
alter table jobs add column api_key_id text;

-- Jobs a defer budget could not hold when they were routed. The router keeps the submitted record here (value,
-- key and tenant header) and publishes it again to railyard.jobs.submitted when the budget's window resets, its
-- limit is raised, its window has room again, or it is no longer a defer budget; a job whose deadline passes
-- first ends expired. Nothing is reserved for a held job. The primary key makes a redelivered record a no-op.
create table budget_deferrals (
    job_id            text primary key,
    budget_id         text            not null,
    window_start      timestamptz     not null,
    amount            numeric(24, 12) not null,
    limit_at_deferral numeric(24, 12) not null,
    deadline          timestamptz,
    deferred_at       timestamptz     not null,
    job               jsonb           not null,
    record_key        bytea,
    tenant_header     text
);
create index budget_deferrals_budget on budget_deferrals (budget_id, window_start);
create index budget_deferrals_deadline on budget_deferrals (deadline) where deadline is not null;
