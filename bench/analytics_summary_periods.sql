-- The raw aggregate behind GET /functions/v1/order-summary (every period): orders, value, paid
-- and cancelled counts per local day of the merchant's zone over the longest period (a year),
-- from which every shorter period is a sum.
SELECT (created_at AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Kuala_Lumpur')::date AS day,
       COUNT(*) AS orders,
       SUM(total_amount_minor) FILTER (WHERE status NOT IN ('cancelled', 'refunded')) AS amount,
       COUNT(*) FILTER (WHERE paid_at IS NOT NULL) AS paid,
       COUNT(*) FILTER (WHERE status IN ('cancelled', 'refunded')) AS cancelled
FROM orders
WHERE tenant_id = :'tenant'
  AND created_at >= (date_trunc('day', now() AT TIME ZONE 'Asia/Kuala_Lumpur') - interval '364 days')
                    AT TIME ZONE 'Asia/Kuala_Lumpur' AT TIME ZONE 'UTC'
GROUP BY 1 ORDER BY 1;
