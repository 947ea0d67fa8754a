-- OpenAI-compatible Files API, batch output files and batch cancellation (docs/batches.md).

-- An uploaded file (purpose batch or user_data) or a batch's output / error file (purpose batch_output, batch_id set).
-- Deleting a file sets deleted_at and drops its content; the row stays so an id is never reused.
create table files (
    id         text primary key,
    tenant     text        not null,
    purpose    text        not null,
    filename   text        not null,
    bytes      bigint      not null,
    batch_id   text,
    created_at timestamptz not null,
    deleted_at timestamptz
);
create index files_tenant_created on files (tenant, created_at desc, id desc) where deleted_at is null;

-- A file's content in pieces of 1 MiB, in order. Pieces rather than one bytea value so that a 200 MB file is
-- written and read a piece at a time (the driver reads a bytea value whole); stored uncompressed (EXTERNAL):
-- compressing JSONL would cost a core during an upload.
create table file_chunks (
    file_id text    not null references files (id),
    seq     integer not null,
    data    bytea   not null,
    primary key (file_id, seq)
);
alter table file_chunks alter column data set storage external;

-- cancelling_at: POST /v1/batches/{id}/cancel; jobs not yet started end cancelled (router and provider workers read
-- the batches being cancelled). finalized_at: every job ended and the output / error files were written; the status
-- (completed, expired, cancelled) is derived from it.
alter table batches
    add column cancelling_at  timestamptz,
    add column finalized_at   timestamptz,
    add column output_file_id text,
    add column error_file_id  text;
create index batches_cancelling on batches (id) where cancelling_at is not null and finalized_at is null;
create index batches_unfinalized on batches (created_at) where finalized_at is null and status = 'in_progress';

-- Batches whose jobs all ended before this migration keep serving their results from /output and /errors only.
update batches b set finalized_at = now()
where b.status = 'in_progress'
  and not exists (select 1 from jobs j where j.batch_id = b.id and j.state = 'queued');
