"""The proxy's access log, written by a real nginx with deploy/nginx.conf in front of a local
upstream: an invitation link's secret, a query string, a referer and the client's full
address never reach it."""

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


def _start_nginx(tmp_path, *, address_from: str = "$remote_addr"):
    """nginx on a free port with the deployed server block, its upstream a local server;
    yields (base URL, access log path). ``address_from``: the variable whose value the log's
    address map reads (another than the connection's, to feed it addresses that loopback
    cannot have)."""
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port, log = _free_port(), tmp_path / "access.log"
    deployed = (ROOT / "deploy" / "nginx.conf").read_text()
    assert deployed.count("map $remote_addr $client_network {") == 1, "nginx.conf changed shape"
    local = (
        deployed.replace("server web:8000;", f"server 127.0.0.1:{upstream.server_port};")
        .replace("map $remote_addr $client_network", f"map {address_from} $client_network")
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


@pytest.fixture
def proxy(tmp_path):
    """nginx with deploy/nginx.conf as deployed; yields (base URL, access log path)."""
    yield from _start_nginx(tmp_path)


@pytest.fixture
def proxy_fed_addresses(tmp_path):
    """As ``proxy``, the address map reading the request's X-Test-Address header."""
    yield from _start_nginx(tmp_path, address_from="$http_x_test_address")


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
    assert all(line.startswith("127.0.0.0 [") for line in (first, second, third))
    assert '"GET /inbjudan/***/ HTTP/1.1" 200' in first
    assert '"GET /inbjudan/***/acceptera/ HTTP/1.1" 200' in second
    assert '"GET /inbjudan/ny-lank-begard/ HTTP/1.1" 200' in third
    written = log.read_text()
    for leaked in (SECRET, "next=", "example.se", "asa", "?", "127.0.0.1"):
        assert leaked not in written


def test_the_proxy_logs_a_clients_network_not_its_address(proxy_fed_addresses):
    base, log = proxy_fed_addresses
    addresses = {
        "192.0.2.41": "192.0.2.0",
        "2001:db8:85a3:8d3:1319:8a2e:370:7348": "2001:db8:85a3::",
        "2001:db8::7": "2001:db8::",
        "2001::7": "2001::",
        "::1": "-",
        "unix:": "-",
    }

    for address in addresses:
        assert _get(f"{base}/", **{"X-Test-Address": address}) == 200

    logged = [line.split(" [")[0] for line in _lines(log, len(addresses))]
    assert logged == list(addresses.values())
