-- Hard budgets enforced with reservations (docs/budgets.md). Money is numeric, never a float.

-- One row per budget and window (window_start is the UTC start of the window; the epoch for a total budget).
-- The router adds a job's worst-case cost to reserved only while spent + reserved stays within the limit;
-- the budget service moves it from reserved to spent (the billed cost) when the job's result is recorded.
create table budget_windows (
    budget_id    text            not null,
    window_start timestamptz     not null,
    spent        numeric(24, 12) not null default 0,
    reserved     numeric(24, 12) not null default 0,
    primary key (budget_id, window_start)
);

-- What the router reserved for a job on each budget. The primary key makes a redelivered job a no-op;
-- settled_at is set once, in the transaction that records the job's terminal result.
create table budget_reservations (
    job_id       text            not null,
    budget_id    text            not null,
    window_start timestamptz     not null,
    amount       numeric(24, 12) not null,
    reserved_at  timestamptz     not null default now(),
    settled_at   timestamptz,
    primary key (job_id, budget_id)
);
create index budget_reservations_unsettled on budget_reservations (job_id) where settled_at is null;
