-- The console's job search (GET /v1/jobs: a tenant's jobs, newest first, keyset cursor) and live figures
-- (GET /v1/stats: a tenant's jobs submitted and finished per time bucket) read jobs by tenant and time, not by batch.
create index jobs_tenant_created on jobs (tenant, created_at desc, id desc);
create index jobs_tenant_finished on jobs (tenant, finished_at) where finished_at is not null;
