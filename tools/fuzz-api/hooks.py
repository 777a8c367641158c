"""Schemathesis hooks for `make fuzz-api`: how each identity signs in, and what the fuzzer must
not do to the identity it runs as.

Kinds of identity (KEDAI_FUZZ_IDENTITY), with KEDAI_FUZZ_EMAIL / KEDAI_FUZZ_PASSWORD:
  staff     a staff member signed in at POST /v1/auth/login (the merchant API's bearer token);
            run.sh runs one pass as the demo owner, one as a viewer, one as an agent.
  customer  a customer of the demo merchant, registered at POST /v6/customer-portal/auth/register
            with a new random phone each time a token is needed, proven as the FavCRM client
            does: a code asked for at /auth/otp, read back from the merchant's message log as
            the demo owner (KEDAI_FUZZ_EMAIL, KEDAI_FUZZ_PASSWORD), and sent with the form;
            run.sh runs it over the portal's paths only.

Every customer-portal request names the demo merchant (KEDAI_FUZZ_COMPANY) in X-Company-Id, as
the FavCRM client does, so the fuzzer reaches the handlers instead of COMPANY_NOT_FOUND; the
tenant header's own refusals are covered by black-box tests (statuses-elsewhere.txt).

The token is fetched once, kept, and fetched again whenever a request answers 401 (schemathesis
then replays that request once): so `POST /v1/auth/logout`, which the fuzzer does call, only
ends one session. Requests that would change the signed-in staff member themselves (their role,
outlets, deactivation, removal) are pointed at a staff id that does not exist instead, so the
run keeps its owner; everything else is fuzzed as generated.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

import requests
import schemathesis

BASE = os.environ["KEDAI_FUZZ_BASE_URL"].rstrip("/")
IDENTITY = os.environ.get("KEDAI_FUZZ_IDENTITY", "staff")
EMAIL = os.environ["KEDAI_FUZZ_EMAIL"]
PASSWORD = os.environ["KEDAI_FUZZ_PASSWORD"]
COMPANY = os.environ.get("KEDAI_FUZZ_COMPANY", "01930000-0000-7000-8000-00000000de70")
PORTAL = "/v6/customer-portal"

# The signed-in staff member's own id, learned at sign-in.
_self_ids: set[str] = set()
_lock = threading.Lock()


def _post_retrying(path: str, body: dict) -> requests.Response:
    """POST, waiting out 429s: the fuzzer's own sign-in tests may hold the e-mail's sign-in slot
    for a moment (parallel sign-ins for one e-mail answer 429 with Retry-After)."""
    for _ in range(30):
        response = requests.post(f"{BASE}{path}", json=body, timeout=30)
        if response.status_code != 429:
            return response
        time.sleep(min(float(response.headers.get("Retry-After", "1") or 1), 5.0))
    return response


def sign_in_staff() -> str:
    response = _post_retrying("/v1/auth/login", {"email": EMAIL, "password": PASSWORD})
    if response.status_code != 200:
        raise RuntimeError(f"staff sign-in failed: {response.status_code} {response.text[:300]}")
    data = response.json()["data"]
    with _lock:
        _self_ids.add(str(data["user"]["id"]).lower())
    return data["access_token"]


def _owner_token() -> str:
    response = _post_retrying("/v1/auth/login", {"email": EMAIL, "password": PASSWORD})
    if response.status_code != 200:
        raise RuntimeError(f"owner sign-in failed: {response.status_code} {response.text[:300]}")
    return response.json()["data"]["access_token"]


def sign_in_customer() -> str:
    owner = {"Authorization": f"Bearer {_owner_token()}"}
    # The owner pass may have switched the merchant to e-mail codes: sign customers in by phone.
    requests.patch(
        f"{BASE}/v1/storefront/settings",
        json={"login_channel": "sms"},
        headers=owner,
        timeout=30,
    )
    phone = f"+8529{uuid.uuid4().int % 10_000_000:07d}"
    sent = requests.post(
        f"{BASE}{PORTAL}/auth/otp",
        json={"phone": phone},
        headers={"X-Company-Id": COMPANY},
        timeout=30,
    )
    if sent.status_code != 200:
        raise RuntimeError(f"sign-in code refused: {sent.status_code} {sent.text[:300]}")
    log = requests.get(
        f"{BASE}/v1/notifications",
        params={"kind": "otp", "recipient": phone},
        headers=owner,
        timeout=30,
    )
    code = log.json()["data"][0]["body"][:6]
    response = requests.post(
        f"{BASE}{PORTAL}/auth/register",
        json={"name": "Fuzz Customer", "phone": phone, "otp": code},
        headers={"X-Company-Id": COMPANY},
        timeout=30,
    )
    if response.status_code != 201:
        raise RuntimeError(
            f"customer registration failed: {response.status_code} {response.text[:300]}"
        )
    return response.json()["data"]["accessToken"]


SIGN_IN = {"staff": sign_in_staff, "customer": sign_in_customer}


def _secured(ctx, case=None) -> bool:
    operation = ctx.operation
    security = operation.definition.raw.get("security")
    return bool(security) and any(requirement for requirement in security)


@schemathesis.auth(refresh_interval=3600).apply_to(_secured)
class Token:
    """A bearer token of the identity this pass runs as."""

    def get(self, case, context):
        return SIGN_IN[IDENTITY]()

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


# Staff operations that act on the staff member named in the path.
_SELF_MUTATIONS = {
    ("PUT", "/v1/staff/{id}"),
    ("PATCH", "/v1/staff/{id}"),
    ("DELETE", "/v1/staff/{id}"),
    ("POST", "/v1/staff/{id}/deactivate"),
}


@schemathesis.hook
def before_call(context, case, kwargs):
    operation = case.operation
    if operation.path.startswith(PORTAL) and operation.path != f"{PORTAL}/storefront/resolve-domain":
        case.headers = {**(case.headers or {}), "X-Company-Id": COMPANY}
    if (operation.method.upper(), operation.path) not in _SELF_MUTATIONS:
        return
    params = case.path_parameters or {}
    with _lock:
        own = str(params.get("id")).lower() in _self_ids
    if own:
        missing = str(uuid.UUID(int=uuid.uuid4().int & ~(0xF << 76) | (0x7 << 76)))
        case.path_parameters = {**params, "id": missing}
