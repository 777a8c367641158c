-- The statements the outbox worker runs for one webhook delivery on PostgreSQL (pgbench -M
-- prepared): claim a due job with a lease (Kedai claims up to 16 per statement), read the
-- delivery with its endpoint (one statement), then record the attempt and end the job under its lease. Here the
-- job is queued again instead of done, so a run of any length always finds due jobs; the cost
-- of the statements is the same.
BEGIN;
UPDATE jobs SET status = 'running', leased_by = 'bench', run_at = now() + interval '60 seconds',
       attempts = attempts + 1, updated_at = now()
WHERE id IN (SELECT id FROM jobs WHERE status IN ('queued', 'running') AND run_at <= now()
             ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING id AS job, subject_id AS delivery, tenant_id AS tenant \gset
COMMIT;
SELECT d.body, d.status, e.url, e.secret, e.previous_secret, e.events, e.active
FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
WHERE d.tenant_id = :tenant AND d.id = :delivery;
BEGIN;
UPDATE jobs SET status = 'queued', run_at = '2000-01-01', leased_by = NULL, last_error = NULL,
       updated_at = now()
WHERE id = :job AND status = 'running' AND leased_by = 'bench';
INSERT INTO webhook_attempts (id, tenant_id, delivery_id, number, response_code, latency_ms,
                              response_excerpt, error, attempted_at)
VALUES (gen_random_uuid()::text, :tenant, :delivery, 1, 200, 1, 'ok', NULL, now());
UPDATE webhook_deliveries SET status = 'pending', attempts = 1, response_code = 200, latency_ms = 1,
       response_excerpt = 'ok', error = NULL, next_attempt_at = NULL, completed_at = now()
WHERE tenant_id = :tenant AND id = :delivery AND status = 'pending';
COMMIT;
