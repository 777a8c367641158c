-- wrk: POST a webhook-sized JSON body (the receiver's own capacity, the baseline of deliveries).
wrk.method = "POST"
wrk.body = '{"created_at":"2026-12-07T10:00:00Z","data":{"currency":"MYR","order_id":"01a25287-02f6-7128-aba7-dd142b7b7849","order_number":"ORD-2026-0001","status":"pending","total_amount":"14.90"},"event":"order.created","id":"01a25287-02f6-7128-aba7-dd142b7b7849"}'
wrk.headers["Content-Type"] = "application/json"

done = function(summary, latency, requests)
  io.write(string.format('JSON {"requests": %d, "seconds": %f, "p50_us": %d, "p99_us": %d, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
