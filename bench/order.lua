-- wrk: POST /v1/orders with three distinct products (ids 1..N of the bench merchant), two units
-- each, so allocations regularly span two lots of three units.
local token = os.getenv("BENCH_TOKEN")
local first = tonumber(os.getenv("BENCH_FIRST_PRODUCT"))
local count = tonumber(os.getenv("BENCH_PRODUCTS"))

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

request = function()
  local a = math.random(0, count - 1)
  local b = (a + math.random(1, 16)) % count
  local c = (a + math.random(17, 33)) % count
  local body = string.format(
    '{"order_type":"pickup","items":[{"product_id":%d,"qty":2},{"product_id":%d,"qty":2},{"product_id":%d,"qty":2}]}',
    first + a, first + b, first + c)
  return wrk.format(nil, nil, nil, body)
end

done = function(summary, latency, requests)
  io.write(string.format("JSON {\"requests\":%d,\"errors_status\":%d,\"errors_other\":%d,\"seconds\":%f,\"p50_us\":%d,\"p99_us\":%d}\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50), latency:percentile(99)))
end
