"""Packaging: every module imports with the declared dependencies; the served metadata ships in the package."""
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import crawler
import extract
import kb
import thidua
from kb.serve import METADATA, PLUGINS_DIR, TEMPLATES_DIR, ServeError, load_metadata

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (crawler, extract, kb, thidua)


def _modules():
    for package in PACKAGES:
        yield package.__name__
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            yield info.name


@pytest.mark.parametrize("name", sorted(_modules()))
def test_every_module_imports(name):
    module = importlib.import_module(name)
    assert module.__name__ == name


def test_html_cleaner_is_installed():
    # jusText (through trafilatura) needs lxml's HTML cleaner, a separate package since lxml 5.2.
    from lxml.html.clean import Cleaner

    assert Cleaner(scripts=True).clean_html("<p>a<script>x</script></p>") == "<p>a</p>"


def test_metadata_plugin_and_templates_live_in_the_package():
    kb_dir = Path(kb.__file__).parent
    for path in (METADATA, PLUGINS_DIR / "thidua_kb.py", TEMPLATES_DIR / "row-thidua-events.html"):
        assert path.is_file() and kb_dir in path.parents, path
    # the repository's metadata.yml and the packaged one are the same file
    assert METADATA.read_bytes() == (ROOT / "metadata.yml").read_bytes()
    assert "thidua" in load_metadata()["databases"]


def test_serving_without_metadata_is_a_clear_error(tmp_path):
    with pytest.raises(ServeError, match="missing.yml"):
        load_metadata(tmp_path / "missing.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("just a string\n", encoding="utf-8")
    with pytest.raises(ServeError, match="databases"):
        load_metadata(bad)


def test_libraries_do_not_import_the_command_line():
    code = ("import sys, crawler.run, crawler.distributed, crawler.ingest, crawler.spiders.news, extract.pipeline, kb.build, "
            "kb.export, kb.serve; bad = sorted(m for m in sys.modules if m == 'thidua' or m.startswith('thidua.')); "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_missing_data_file_fails_at_import_naming_it(tmp_path):
    # a copy of the kb package without one of its data files
    import shutil

    shutil.copytree(Path(kb.__file__).parent, tmp_path / "kb", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(Path(extract.__file__).parent, tmp_path / "extract", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "kb" / "data" / "departments.csv").unlink()
    done = subprocess.run([sys.executable, "-c", "import kb.resolve"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0
    assert f"data file missing: {tmp_path / 'kb' / 'data' / 'departments.csv'}" in done.stderr


@pytest.mark.slow
def test_the_wheel_carries_the_served_files_and_declares_the_html_cleaner(tmp_path):
    """What `pip install .` installs, whatever the pip: built like pip builds it (PEP 517, isolated)."""
    import shutil
    import zipfile

    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "metadata.yml"):
        shutil.copy(ROOT / name, src / name)
    for package in ("crawler", "extract", "kb", "thidua"):
        shutil.copytree(ROOT / package, src / package, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
                           str(src)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    wheel, = (tmp_path / "dist").glob("thidua_kb-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        assert {"kb/metadata.yml", "kb/plugins/thidua_kb.py", "kb/templates/row-thidua-events.html",
                "extract/data/departments.yml", "kb/data/departments.csv"} <= names
        assert z.read("kb/metadata.yml") == (ROOT / "metadata.yml").read_bytes()  # the file, not a link
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        requires = [l for l in z.read(meta).decode().splitlines() if l.startswith("Requires-Dist:")]
    assert any("lxml_html_clean" in r or "lxml-html-clean" in r for r in requires), requires


def test_a_missing_vocabulary_fails_at_import_naming_it(tmp_path):
    # a copy of the extract package without one of its vocabularies
    import shutil

    shutil.copytree(Path(extract.__file__).parent, tmp_path / "extract", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "extract" / "data" / "titles.yml").unlink()
    done = subprocess.run([sys.executable, "-c", "import extract.pipeline"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0
    assert f"extract data file missing: {tmp_path / 'extract' / 'data' / 'titles.yml'}" in done.stderr
