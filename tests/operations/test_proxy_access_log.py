"""The proxy's access log, written by a real nginx with deploy/nginx.conf in front of a local
upstream: an invitation link's secret, a query string and a referer never reach it."""

import http.server
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX = "/usr/sbin/nginx"  # Debian's nginx-light (scripts/ensure_test_services.sh)
SECRET = "Zk3q-9vLr_TsecretOfTheLink"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Upstream(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def proxy(tmp_path):
    """nginx on a free port with the deployed server block, its upstream a local server; yields
    (base URL, access log path)."""
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port, log = _free_port(), tmp_path / "access.log"
    deployed = (ROOT / "deploy" / "nginx.conf").read_text()
    local = (
        deployed.replace("server web:8000;", f"server 127.0.0.1:{upstream.server_port};")
        .replace("listen 80;", f"listen 127.0.0.1:{port};")
        .replace("access_log /dev/stdout masked;", f"access_log {log} masked;")
    )
    assert local.count(str(port)) == 1 and str(log) in local, "deploy/nginx.conf changed shape"
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    (tmp_path / "nginx.conf").write_text(
        f"daemon off;\npid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\n"
        "events {}\nhttp {\n"
        f"client_body_temp_path {temp['body']};\nproxy_temp_path {temp['proxy']};\n"
        f"fastcgi_temp_path {temp['fastcgi']};\nuwsgi_temp_path {temp['uwsgi']};\n"
        f"scgi_temp_path {temp['scgi']};\n{local}\n}}\n"
    )
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert nginx.poll() is None, nginx.stderr.read().decode()
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", log
    finally:
        nginx.terminate()
        nginx.wait(10)
        upstream.shutdown()


def _get(url: str, **headers) -> int:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
        return response.status


def _lines(log: Path, count: int) -> list[str]:
    for _ in range(100):  # nginx writes the line once the response is done
        lines = log.read_text().splitlines() if log.exists() else []
        if len(lines) >= count:
            return lines
        time.sleep(0.05)
    raise AssertionError(f"nginx logged {len(lines)} of {count} requests")


def test_the_proxy_logs_an_invitation_link_without_its_secret_query_or_referer(proxy):
    base, log = proxy

    assert _get(f"{base}/inbjudan/{SECRET}/?next=/ladda-upp/&e=asa%40example.se") == 200
    assert _get(f"{base}/inbjudan/{SECRET}/acceptera/", Referer=f"{base}/inbjudan/{SECRET}/") == 200
    assert _get(f"{base}/inbjudan/ny-lank-begard/") == 200

    first, second, third = _lines(log, 3)
    assert '"GET /inbjudan/***/ HTTP/1.1" 200' in first
    assert '"GET /inbjudan/***/acceptera/ HTTP/1.1" 200' in second
    assert '"GET /inbjudan/ny-lank-begard/ HTTP/1.1" 200' in third
    written = log.read_text()
    for leaked in (SECRET, "next=", "example.se", "asa", "?"):
        assert leaked not in written
