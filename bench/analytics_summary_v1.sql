-- The raw aggregate behind GET /v1/orders/summary (all time): orders per status, and the revenue
-- of paid orders still standing.
SELECT status,
       COUNT(*) AS orders,
       SUM(total_amount_minor) FILTER (WHERE paid_at IS NOT NULL) AS revenue
FROM orders
WHERE tenant_id = :'tenant'
GROUP BY status;
