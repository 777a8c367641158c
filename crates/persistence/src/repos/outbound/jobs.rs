//! The job queue. Claiming is one statement: the due jobs are picked and leased together, on
//! PostgreSQL with `FOR UPDATE SKIP LOCKED` so that workers of several instances take
//! different jobs without waiting on each other; on SQLite the write transaction is the only
//! writer.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use kedai_app::jobs::{Job, JobEnd, JobId, JobRepository, JobStatus};
use kedai_core::StorageError;

use crate::convert::{parse, storage_error, ts, utc};
use crate::db::DbConnection;
use crate::repos::Tx;
use crate::schema::jobs;

#[derive(QueryableByName, Queryable, Selectable)]
#[diesel(table_name = jobs)]
struct JobRow {
    id: String,
    tenant_id: String,
    kind: String,
    subject_id: String,
    status: String,
    attempts: i64,
    max_attempts: i64,
    run_at: NaiveDateTime,
    leased_by: Option<String>,
    last_error: Option<String>,
    created_at: NaiveDateTime,
}

impl TryFrom<JobRow> for Job {
    type Error = StorageError;

    fn try_from(r: JobRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: parse("job id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            kind: parse("job kind", &r.kind)?,
            subject_id: r.subject_id,
            status: parse("job status", &r.status)?,
            attempts: u32::try_from(r.attempts).unwrap_or(u32::MAX),
            max_attempts: u32::try_from(r.max_attempts).unwrap_or(u32::MAX),
            run_at: utc(r.run_at),
            leased_by: r.leased_by,
            last_error: r.last_error,
            created_at: utc(r.created_at),
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = jobs)]
struct NewJobRow<'a> {
    id: String,
    tenant_id: String,
    kind: &'a str,
    subject_id: &'a str,
    status: &'a str,
    attempts: i64,
    max_attempts: i64,
    run_at: NaiveDateTime,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

const CLAIM_PG: &str = "UPDATE jobs SET status = 'running', leased_by = $1, run_at = $2, \
         attempts = attempts + 1, updated_at = $3 \
     WHERE id IN (SELECT id FROM jobs WHERE status IN ('queued', 'running') AND run_at <= $3 \
                  ORDER BY run_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
     RETURNING id, tenant_id, kind, subject_id, status, attempts, max_attempts, run_at, \
               leased_by, last_error, created_at";

const CLAIM_SQLITE: &str = "UPDATE jobs SET status = 'running', leased_by = $1, run_at = $2, \
         attempts = attempts + 1, updated_at = $3 \
     WHERE id IN (SELECT id FROM jobs WHERE status IN ('queued', 'running') AND run_at <= $3 \
                  ORDER BY run_at LIMIT $4) \
     RETURNING id, tenant_id, kind, subject_id, status, attempts, max_attempts, run_at, \
               leased_by, last_error, created_at";

impl JobRepository for Tx<'_> {
    fn enqueue_jobs(&mut self, new: &[Job]) -> Result<(), StorageError> {
        if new.is_empty() {
            return Ok(());
        }
        let rows: Vec<NewJobRow> = new
            .iter()
            .map(|j| NewJobRow {
                id: j.id.to_string(),
                tenant_id: j.tenant_id.to_string(),
                kind: j.kind.as_str(),
                subject_id: &j.subject_id,
                status: j.status.as_str(),
                attempts: i64::from(j.attempts),
                max_attempts: i64::from(j.max_attempts),
                run_at: ts(j.run_at),
                created_at: ts(j.created_at),
                updated_at: ts(j.created_at),
            })
            .collect();
        insert_rows!(self.conn, jobs::table, rows)
    }

    fn claim_jobs(
        &mut self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Job>, StorageError> {
        let sql = if matches!(*self.conn, DbConnection::Pg(_)) {
            CLAIM_PG
        } else {
            CLAIM_SQLITE
        };
        let mut rows = diesel::sql_query(sql)
            .bind::<Text, _>(worker)
            .bind::<Timestamp, _>(ts(lease_until))
            .bind::<Timestamp, _>(ts(now))
            .bind::<BigInt, _>(i64::from(limit))
            .load::<JobRow>(self.conn)
            .map_err(storage_error)?;
        rows.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        rows.into_iter().map(Job::try_from).collect()
    }

    fn end_job(
        &mut self,
        id: JobId,
        worker: &str,
        end: &JobEnd,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        let (status, run_at, error) = match end {
            JobEnd::Done => (JobStatus::Done, now, None),
            JobEnd::RetryAt(at, e) => (JobStatus::Queued, *at, Some(e.as_str())),
            JobEnd::Failed(e) => (JobStatus::Failed, now, Some(e.as_str())),
        };
        let changed = diesel::update(
            jobs::table
                .filter(jobs::id.eq(id.to_string()))
                .filter(jobs::status.eq(JobStatus::Running.as_str()))
                .filter(jobs::leased_by.eq(worker)),
        )
        .set((
            jobs::status.eq(status.as_str()),
            jobs::run_at.eq(ts(run_at)),
            jobs::leased_by.eq(None::<String>),
            jobs::last_error.eq(error),
            jobs::updated_at.eq(ts(now)),
        ))
        .execute(self.conn)
        .map_err(storage_error)?;
        Ok(changed == 1)
    }

    fn pending_jobs(&mut self) -> Result<i64, StorageError> {
        jobs::table
            .filter(jobs::status.eq_any([JobStatus::Queued.as_str(), JobStatus::Running.as_str()]))
            .count()
            .get_result(self.conn)
            .map_err(storage_error)
    }
}
