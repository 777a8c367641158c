"""Every documented status is real: each (operation, status) the OpenAPI document lists must have
been answered at least once by the fuzz run, or be listed in statuses-elsewhere.txt with the
black-box test that produces it (the test must exist).

statuses-elsewhere.txt, one entry a line (`#` starts a comment):
    METHOD PATH STATUS TEST_FN
METHOD and PATH may be `*`, and PATH may end in `*` to match a prefix. TEST_FN is the name of a
`fn` under tests/ (the test that answers that status); the entry is refused if it names none.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import pathlib
import re
import sys
import urllib.request

METHODS = ("get", "post", "put", "patch", "delete")


def documented(openapi_url: str) -> dict[tuple[str, str], set[str]]:
    with urllib.request.urlopen(openapi_url, timeout=30) as response:
        doc = json.load(response)
    out: dict[tuple[str, str], set[str]] = {}
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                out[(method.upper(), path)] = set(item[method].get("responses", {}))
    return out


def observed(ndjson_files: list[str]) -> dict[tuple[str, str], set[str]]:
    seen: dict[tuple[str, str], set[str]] = {}
    for name in ndjson_files:
        with open(name, encoding="utf-8") as f:
            for line in f:
                event = json.loads(line)
                finished = event.get("ScenarioFinished")
                if not finished:
                    continue
                recorder = finished["recorder"]
                label = recorder["label"]
                if " " not in label:
                    continue
                method, path = label.split(" ", 1)
                for interaction in recorder.get("interactions", {}).values():
                    response = interaction.get("response")
                    request = interaction.get("request", {})
                    # The wrong-method probes (405) are not answers of this operation.
                    if not response or request.get("method", method).upper() != method:
                        continue
                    seen.setdefault((method, path), set()).add(str(response["status_code"]))
    return seen


def test_names(tests_dir: pathlib.Path) -> set[str]:
    names: set[str] = set()
    for source in tests_dir.rglob("*.rs"):
        names.update(re.findall(r"\bfn\s+([a-z0-9_]+)", source.read_text(encoding="utf-8")))
    return names


def elsewhere(path: pathlib.Path, tests: set[str]) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    entries, problems = [], []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 4:
            problems.append(f"{path.name}:{number}: expected METHOD PATH STATUS TEST_FN: {raw!r}")
            continue
        if parts[3] not in tests:
            problems.append(f"{path.name}:{number}: no test named {parts[3]!r} under tests/")
            continue
        entries.append((parts[0], parts[1], parts[2], parts[3]))
    return entries, problems


def explained(entries, method: str, path: str, status: str) -> str | None:
    for m, p, s, test in entries:
        if m in ("*", method) and s == status and fnmatch.fnmatchcase(path, p):
            return test
    return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--openapi", required=True)
    parser.add_argument("--elsewhere", required=True)
    parser.add_argument("--tests", required=True)
    parser.add_argument("--strict", default="1")
    parser.add_argument("ndjson", nargs="+")
    args = parser.parse_args()

    docs = documented(args.openapi)
    seen = observed(args.ndjson)
    entries, problems = elsewhere(pathlib.Path(args.elsewhere), test_names(pathlib.Path(args.tests)))

    total = answered = by_tests = 0
    missing: list[str] = []
    for (method, path), statuses in sorted(docs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        for status in sorted(statuses):
            total += 1
            if status in seen.get((method, path), set()):
                answered += 1
            elif explained(entries, method, path, status):
                by_tests += 1
            else:
                missing.append(f"  {method} {path} {status}")
    undocumented = [
        f"  {method} {path} {status}"
        for (method, path), statuses in sorted(seen.items())
        for status in sorted(statuses)
        if status not in docs.get((method, path), set())
    ]

    print(f"{total} documented (operation, status) pairs: {answered} answered by the fuzz run, "
          f"{by_tests} by named tests (statuses-elsewhere.txt), {len(missing)} by neither")
    for problem in problems:
        print(problem)
    if undocumented:
        print("answered but not documented:")
        print("\n".join(undocumented))
    if missing:
        print("documented but never answered (fuzz more, name the test in statuses-elsewhere.txt, "
              "or drop the status from the annotation):")
        print("\n".join(missing))
    failed = bool(problems) or bool(undocumented) or (bool(missing) and args.strict == "1")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
