"""One real call path with the client openapi-python-client generated: sign in as the demo owner
(merchant API) and list products. Importing the generated package is itself a check: a schema the
generator cannot express fails at generation or import."""

import os
import sys

from kedai_client import AuthenticatedClient, Client
from kedai_client.api.merchant_auth import login
from kedai_client.api.merchant_products import list_products
from kedai_client.models import LoginRequest

BASE = os.environ.get("KEDAI_BASE_URL", "http://127.0.0.1:8080")


def fail(what: str, detail: object) -> None:
    print(f"sdk-check (python): {what}: {detail}", file=sys.stderr)
    sys.exit(1)


signed_in = login.sync_detailed(
    client=Client(base_url=BASE),
    body=LoginRequest(email="owner@demo.kedai.dev", password="kedai-demo-2026"),
)
if signed_in.status_code != 200 or signed_in.parsed is None:
    fail("sign-in failed", signed_in.content[:300])
token = signed_in.parsed.data.access_token

listed = list_products.sync_detailed(
    client=AuthenticatedClient(base_url=BASE, token=token), page=1, limit=20
)
if listed.status_code != 200 or listed.parsed is None:
    fail("product list failed", listed.content[:300])
names = [p.name for p in listed.parsed.data]
if "Iced Latte" not in names:
    fail("the demo products are missing", names)
print(f"sdk-check (python): signed in, {len(names)} products")
