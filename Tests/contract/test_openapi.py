"""The published OpenAPI document against a real `ytv2 serve`: schemathesis (property-based) sends every operation of
the document values it derives from the schemas, edge cases included, and checks that no answer is a server error and
that every answer's status, content type, headers and body are the ones the document states. Data goes in through the
real ingest API first (reports of several shapes, one without any summary, an MP3), so list items, single reports,
facets and audio are answered with content.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pysupport"))
from dashboard import ROOT, Dashboard, request  # noqa: E402

DOCUMENT = ROOT / "Sources" / "YTV2Dashboard" / "Public" / "openapi.json"
ADMIN = "contract-admin-token"
INGEST = "contract-ingest-token"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance"


def schemathesis():
    found = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    if not Path(found).exists():
        pytest.fail("schemathesis is not installed: run scripts/setup --test")
    return found


@pytest.fixture(scope="module")
def server():
    dashboard = Dashboard("ytv2-contract-", ADMIN, INGEST, reports=12)
    # The legacy processor's flat payload with a levelled narration, and a video with nothing but a title.
    flat = {"video_id": "contract001", "title": "A flat payload", "channel_name": "Channel", "original_language": "fr",
            "summary_variants": [{"variant": "audio-fr:beginner", "text": "Bonjour."}]}
    assert dashboard.store_report(flat)[0] == 200
    assert dashboard.store_report({"video_id": "contract002", "title": "Untitled", "duration_seconds": 0})[0] in (200, 400)
    yield dashboard.base, dashboard.home
    dashboard.stop()


def test_the_document_is_served_and_valid_openapi_3_1(server):
    base, _ = server
    status, body = request(base, "/openapi.json")
    assert status == 200
    served = json.loads(body)
    assert served == json.loads(DOCUMENT.read_text())
    assert served["openapi"].startswith("3.1")
    from openapi_spec_validator import validate
    validate(served)
    # Every route the legacy dashboard served is in it.
    for path in ["/status", "/api/config", "/api/refresh", "/api/version", "/api/upload-audio", "/api/delete", "/api/delete/{id}",
                 "/api/reports", "/api/filters", "/api/reports/{id}", "/{id}.json", "/ingest/report", "/health/ingest", "/api/capabilities"]:
        assert path in served["paths"], path


def test_schemathesis_finds_nothing(server):
    base, home = server
    report_file = home / "schemathesis.txt"
    command = [
        schemathesis(), "--no-color", "run", str(DOCUMENT), "--url", base, "--checks", CHECKS,
        "--exclude-path", "/api/report-events",  # a stream that stays open by design
        "--max-examples", os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"), "--seed", "42", "--workers", "1",
        "--phases", "examples,coverage,fuzzing",
        "-H", f"Authorization: Bearer {ADMIN}", "-H", f"X-INGEST-TOKEN: {INGEST}",
        "--request-timeout", "20",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1500)
    report_file.write_text(result.stdout + result.stderr)
    summary = "\n".join(result.stdout.splitlines()[-40:])
    print(summary)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
