-- GET /v1/spend with from/to over every tenant: spend_ledger_tenant_time only serves one tenant's range.
create index spend_ledger_occurred on spend_ledger (occurred_at);
