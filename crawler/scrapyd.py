"""Deploying the crawler to Scrapyd: its egg, built without a setup.py in the repository, and addversion.json."""
from __future__ import annotations

import json
import shutil
import time
import uuid
from pathlib import Path
from typing import Optional


# --------------------------------------------------------------------------- Scrapyd deployment
def build_egg(out_dir, version: Optional[str] = None) -> Path:
    """An egg of the crawler package for Scrapyd (what ``scrapyd-deploy`` builds), without a setup.py
    in the repository: the package is copied to a temporary directory and built there."""
    import subprocess
    import sys
    import tempfile

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    version = version or time.strftime("%Y%m%d%H%M%S")
    package = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(package, Path(tmp) / "crawler", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (Path(tmp) / "setup.py").write_text(
            "from setuptools import setup, find_packages\n"
            f"setup(name='thidua-crawler', version={version!r}, packages=find_packages(include=['crawler*']),\n"
            "      package_data={'crawler': ['sources/*.yml', 'mirror/articles/*.yml']}, zip_safe=True,\n"
            "      entry_points={'scrapy': ['settings = crawler.settings']})\n")
        subprocess.run([sys.executable, "setup.py", "-q", "bdist_egg", "-d", str(out_dir)], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    eggs = sorted(out_dir.glob(f"thidua_crawler-{version}-*.egg"))
    if not eggs:
        raise RuntimeError(f"no egg built in {out_dir}")
    return eggs[-1]


def deploy(scrapyd_url: str, project: str = "thidua", version: Optional[str] = None, egg: Optional[Path] = None) -> dict:
    """Build the egg and POST it to Scrapyd's addversion.json; returns Scrapyd's JSON answer."""
    import tempfile
    import urllib.request

    version = version or time.strftime("%Y%m%d%H%M%S")
    with tempfile.TemporaryDirectory() as tmp:
        egg = egg or build_egg(tmp, version)
        body, content_type = _multipart({"project": project, "version": version}, "egg", egg.name, egg.read_bytes())
        request = urllib.request.Request(scrapyd_url.rstrip("/") + "/addversion.json", data=body,
                                         headers={"Content-Type": content_type})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read().decode("utf-8"))


def _multipart(fields: dict, file_field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"

