// One real call path with the generated TypeScript types and openapi-fetch: sign in as the demo
// owner (merchant API), list products, and read a storefront product over the customer portal.
// Compiled with `tsc --strict`, so a schema the generator cannot type fails here.
import createClient from "openapi-fetch";
import type { paths } from "./generated/schema.js";

const baseUrl = process.env.KEDAI_BASE_URL ?? "http://127.0.0.1:8080";
const company = "01930000-0000-7000-8000-00000000de70";
const client = createClient<paths>({ baseUrl });

function fail(what: string, detail: unknown): never {
  console.error(`sdk-check (typescript): ${what}`, detail);
  process.exit(1);
}

const login = await client.POST("/v1/auth/login", {
  body: { email: "owner@demo.kedai.dev", password: "kedai-demo-2026" },
});
if (!login.data) fail("sign-in failed", login.error);
const token: string = login.data.data.access_token;

const products = await client.GET("/v1/products", {
  params: { query: { page: 1, limit: 20 } },
  headers: { Authorization: `Bearer ${token}` },
});
if (!products.data) fail("product list failed", products.error);
const names: string[] = products.data.data.map((p) => p.name);
if (!names.includes("Iced Latte")) fail("the demo products are missing", names);

const shop = await client.GET("/v6/customer-portal/shop/products", {
  headers: { "X-Company-Id": company },
});
if (!shop.data) fail("storefront product list failed", shop.error);
if (shop.data.data.length === 0) fail("the storefront lists no products", shop.data);

console.log(`sdk-check (typescript): signed in, ${names.length} products, ${shop.data.data.length} in the shop`);
