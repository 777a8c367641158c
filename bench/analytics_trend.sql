-- The raw aggregate behind GET /v1/orders/trend (the last 30 local days): orders, revenue, paid
-- and cancelled counts per local day.
SELECT (created_at AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Kuala_Lumpur')::date AS day,
       COUNT(*) AS orders,
       SUM(total_amount_minor) FILTER (WHERE paid_at IS NOT NULL AND status NOT IN ('cancelled', 'refunded')) AS revenue,
       COUNT(*) FILTER (WHERE paid_at IS NOT NULL) AS paid,
       COUNT(*) FILTER (WHERE status IN ('cancelled', 'refunded')) AS cancelled
FROM orders
WHERE tenant_id = :'tenant'
  AND created_at >= (date_trunc('day', now() AT TIME ZONE 'Asia/Kuala_Lumpur') - interval '29 days')
                    AT TIME ZONE 'Asia/Kuala_Lumpur' AT TIME ZONE 'UTC'
GROUP BY 1 ORDER BY 1;
