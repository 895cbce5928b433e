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
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from test_dashboard import free_port, make_mp3, report, request, YTV2  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
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
    home = Path(tempfile.mkdtemp(prefix="ytv2-contract-"))
    os.chmod(home, 0o755)
    port = free_port()
    env = dict(os.environ, YTV2_HOME=str(home / "db"), YTV2_ADMIN_TOKEN=ADMIN, YTV2_INGEST_TOKEN=INGEST, PORT=str(port), LOG_LEVEL="error")
    env.pop("DATABASE_URL", None)
    log = open(home / "serve.log", "w")
    process = subprocess.Popen([str(YTV2), "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if request(base, "/health")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("ytv2 serve did not start: " + (home / "serve.log").read_text())
    headers = {"X-INGEST-TOKEN": INGEST, "Content-Type": "application/json"}
    for index in range(12):
        status, body = request(base, "/ingest/report", json.dumps(report(index)).encode(), headers, "POST")
        assert status == 200, body
    # The legacy processor's flat payload with a levelled narration, and a video with nothing but a title.
    flat = {"video_id": "contract001", "title": "A flat payload", "channel_name": "Channel", "original_language": "fr",
            "summary_variants": [{"variant": "audio-fr:beginner", "text": "Bonjour."}]}
    assert request(base, "/ingest/report", json.dumps(flat).encode(), headers, "POST")[0] == 200
    bare = {"video_id": "contract002", "title": "Untitled", "duration_seconds": 0}
    status, body = request(base, "/ingest/report", json.dumps(bare).encode(), headers, "POST")
    assert status in (200, 400), body
    mp3 = make_mp3(home)
    boundary = "ytv2contract"
    multipart = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"video_id\"\r\n\r\nbrw00000003\r\n"
                 f"--{boundary}\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.mp3\"\r\n\r\n").encode() + mp3 + f"\r\n--{boundary}--\r\n".encode()
    status, body = request(base, "/ingest/audio", multipart,
                           {"X-INGEST-TOKEN": INGEST, "Content-Type": f"multipart/form-data; boundary={boundary}"}, "POST")
    assert status == 200, body
    yield base, home
    process.terminate()
    process.wait(timeout=30)
    subprocess.run([str(YTV2), "db", "stop"], env=env, check=False, capture_output=True)
    log.close()
    shutil.rmtree(home, ignore_errors=True)


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
                 "/api/reports", "/api/filters", "/api/reports/{id}", "/{id}.json", "/ingest/report", "/health/ingest"]:
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
