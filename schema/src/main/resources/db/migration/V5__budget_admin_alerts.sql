-- Budgets created through the admin API, and soft-threshold alerts (docs/budgets.md). Money is numeric, never a float.

-- Budgets from railyard.yaml are not stored here: the service holds them, read-only. An id is unique across both.
create table budgets (
    id            text            primary key,
    scope         text            not null,
    scope_value   text,
    period        text            not null,
    limit_usd     numeric(24, 12) not null check (limit_usd >= 0),
    action        text            not null,
    alert_at      int[]           not null,
    alert_webhook text,
    created_at    timestamptz     not null default now(),
    updated_at    timestamptz     not null default now()
);

-- One row per budget, window and threshold crossed: the primary key makes an alert fire once per window, whichever
-- transaction (redelivered results, another budget-service instance) sees the crossing first. webhook and payload are
-- what was addressed and sent when it fired, so every retry sends the same body. next_attempt_at is null when there is
-- nothing left to deliver: no webhook, delivered, or given up after the last attempt (last_error says why).
create table budget_alerts (
    budget_id       text            not null,
    window_start    timestamptz     not null,
    threshold       int             not null,
    spent           numeric(24, 12) not null,
    limit_usd       numeric(24, 12) not null,
    fired_at        timestamptz     not null default now(),
    webhook         text,
    payload         text            not null,
    delivered_at    timestamptz,
    attempts        int             not null default 0,
    next_attempt_at timestamptz,
    last_error      text,
    primary key (budget_id, window_start, threshold)
);
create index budget_alerts_due on budget_alerts (next_attempt_at) where next_attempt_at is not null;
