#!/usr/bin/env python3
"""Refreshes tests/fixtures/ from the reference material kept beside the repository on
development machines (../shared). Tests read only tests/fixtures/; this script is how that data
was taken, and the only place that knows where it came from. Run from the repository root."""
import json
import re
import sys
from pathlib import Path

SHARED = Path("../shared")
OUT = Path("tests/fixtures")

# seed page -> (request line regex, marker before the request body or None, marker before the response body or None)
SEEDS = {
    "cancel-meeting": ("DELETE /v1/mmc/management/conferences\\?conferenceID=\\d+", None, None),
    "remove-participants": (
        "POST /v1/mmc/control/conferences/attendees/delete\\?conferenceID=\\d+",
        "User-Agent: Apache-HttpClient/4.5.3 (Java/1.8.0_191)",
        None,
    ),
    "reclaim-cloud-meeting-room": (
        "POST /v1/usg/dcs/corp/vmr/recycle-from-member/[^? ]+\\?accountType=\\d",
        "Host: api.meeting.huaweicloud.com",
        None,
    ),
    "modify-recurring-meeting-series": (
        "PUT /v1/mmc/management/cycleconferences\\?conferenceID=\\d+",
        "User-Agent: Apache-HttpClient/4.5.3 (Java/1.8.0_191)",
        "X-Request-Id: 7ba6f742610c03a64262b126fb336a5d",
    ),
    "activate-meeting": (
        "POST /v1/mmc/management/conferences/start",
        "User-Agent: Apache-HttpClient/4.5.3 (Java/1.8.0_191)",
        "X-Request-Id: f991eeec77df1692c74f253d765ca146",
    ),
}

# API Explorer definitions whose 200 example the tests parse.
API_EXPLORER = ["SearchMeetings", "CreateMeeting", "CreateRecurringMeeting", "SearchCorpVmr", "CreateConfToken", "CreateAppIdToken"]


def json_after(page: str, marker: str):
    start = page.index(marker) + len(marker)
    rest = page[start:]
    opening = min(i for i in (rest.find("{"), rest.find("[")) if i >= 0)
    value, _ = json.JSONDecoder().raw_decode(rest[opening:])
    return value


def title(page: str) -> str:
    return next(line.strip() for line in page.splitlines() if line.strip() and not line.startswith("Updated on"))


def request_line(page: str, pattern: str) -> str:
    # The example request (not the prototype table, not the curl command) is the first line
    # starting with the method and the path.
    match = re.search("^(" + pattern + ")", page, re.MULTILINE)
    if not match:
        sys.exit(f"request line {pattern!r} not found")
    return match.group(1)


def main():
    for name, (line, request_marker, response_marker) in SEEDS.items():
        page = (SHARED / "seeds" / f"{name}.txt").read_text()
        fixture = {
            "source": f"Huawei Cloud Meeting API page '{title(page)}', its example request and response",
            "request_line": request_line(page, line),
            "request_body": json_after(page, request_marker) if request_marker else None,
            "response_body": json_after(page, response_marker) if response_marker else None,
        }
        (OUT / "seeds" / f"{name}.json").write_text(json.dumps(fixture, indent=2, ensure_ascii=False) + "\n")
    for operation in API_EXPLORER:
        definition = json.loads((SHARED / "reference" / "api-explorer" / f"{operation}.json").read_text())
        (path, methods), = definition["paths"].items()
        (method, op), = methods.items()
        fixture = {
            "source": f"Huawei API Explorer definition of {operation} ({method.upper()} {path}), its 200 response example",
            "example": op["responses"]["200"]["examples"]["application/json"],
        }
        (OUT / "api-explorer" / f"{operation}.json").write_text(json.dumps(fixture, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
