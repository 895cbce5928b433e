"""A real `ytv2 serve` for the Python tests (browser, API contract): on its own private cluster in a temporary folder,
filled through the real ingest API as the processor fills it.
"""
import json
import math
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import urllib.request
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
YTV2 = ROOT / ".build" / "debug" / "ytv2"
CATEGORIES = [("History", "Modern History"), ("Technology", "Web Development"), ("Education", "Online Learning")]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(base, path, data=None, headers=None, method=None):
    req = urllib.request.Request(base + path, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def make_mp3(directory):
    """Two seconds of a 440 Hz tone, encoded by lame: a file the browser can really play."""
    wav = directory / "tone.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)
        frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 22050))) for i in range(22050 * 2))
        out.writeframes(frames)
    mp3 = directory / "tone.mp3"
    subprocess.run(["lame", "--quiet", str(wav), str(mp3)], check=True)
    return mp3.read_bytes()


def report(index):
    video_id = f"brw{index:08d}"
    category, sub = CATEGORIES[index % 3]
    return {
        "id": f"yt:{video_id}", "title": f"{['Zebra', 'Apple', 'Mango'][index % 3]} video {index}",
        "duration_seconds": 120 + index, "published_at": f"2024-01-{index + 1:02d}T10:00:00Z",
        "source_metadata": {"youtube": {"video_id": video_id, "channel_name": "Tom Scott" if index % 2 == 0 else "Veritasium"}},
        "analysis": {"categories": [{"category": category, "subcategories": [sub]}], "language": "en", "content_type": "Tutorial"},
        "summary": {"summary_type": "comprehensive", "variants": [
            {"variant": "comprehensive", "text": f"**Overview:**\n• Point one of video {index}\n• Point two"},
            {"variant": "key_points", "text": f"- Key point {index}"},
        ]},
    }


class Dashboard:
    """`ytv2 serve` with its admin (None: deleting turned off) and ingest tokens, `reports` reports (``report``) and one
    MP3 stored; `stop()` ends it."""

    def __init__(self, prefix, admin, ingest, reports=14):
        self.home = Path(tempfile.mkdtemp(prefix=prefix))
        os.chmod(self.home, 0o755)
        self.admin, self.ingest = admin, ingest
        port = free_port()
        self.env = dict(os.environ, YTV2_HOME=str(self.home / "db"), YTV2_INGEST_TOKEN=ingest, PORT=str(port))
        self.env.pop("DATABASE_URL", None)
        # Without an admin token the server turns deleting off (and the UI must not offer it).
        self.env.pop("YTV2_ADMIN_TOKEN", None)
        if admin is not None:
            self.env["YTV2_ADMIN_TOKEN"] = admin
        self.log = open(self.home / "serve.log", "w")
        self.process = subprocess.Popen([str(YTV2), "serve"], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if request(self.base, "/health")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            self.process.kill()
            raise RuntimeError("ytv2 serve did not start: " + (self.home / "serve.log").read_text())
        for index in range(reports):
            assert self.store_report(report(index))[0] == 200
        mp3 = make_mp3(self.home)
        boundary = "ytv2python"
        multipart = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"video_id\"\r\n\r\n{report(reports - 1)['source_metadata']['youtube']['video_id']}\r\n"
                     f"--{boundary}\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.mp3\"\r\n\r\n").encode() + mp3 + f"\r\n--{boundary}--\r\n".encode()
        status, body = request(self.base, "/ingest/audio", multipart,
                               {"X-INGEST-TOKEN": ingest, "Content-Type": f"multipart/form-data; boundary={boundary}"}, "POST")
        assert status == 200, body

    def store_report(self, payload):
        return request(self.base, "/ingest/report", json.dumps(payload).encode(),
                       {"X-INGEST-TOKEN": self.ingest, "Content-Type": "application/json"}, "POST")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        subprocess.run([str(YTV2), "db", "stop"], env=self.env, check=False, capture_output=True)
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)
