"""Nothing is lost: atomic writes, builds killed midway, and bad input that leaves old PDFs alone."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from newsletter_pdf.cli.app import app
from newsletter_pdf.files import JOURNAL_NAME, LOCK_NAME, atomic_writer, write_atomically
from support.bad_inputs import CASES, MINIMAL, make_case
from support.paths import ROOT, SAMPLE_ISSUE

OLD = b"%PDF-1.7\n% the last good copy\n" + b"x" * 5000 + b"\n%%EOF\n"


def _leftovers(folder: Path, *keep: Path) -> list[str]:
    """Files in folder other than keep; every one must be hidden (a stray .part of a killed write)."""
    names = {k.name for k in keep}
    return sorted(p.name for p in folder.iterdir() if p.name not in names)


def _assert_only_hidden_leftovers(folder: Path, *keep: Path) -> None:
    visible = [name for name in _leftovers(folder, *keep) if not name.startswith(".")]
    assert visible == [], f"visible files left behind: {visible}"
    stray = [name for name in _leftovers(folder, *keep) if name.startswith(".")]
    # Besides .part files: the folder's lock, and the journal of a set killed while being renamed.
    assert all(name.endswith(".part") or name in (LOCK_NAME, JOURNAL_NAME) for name in stray), stray


# --- atomic_writer ----------------------------------------------------------------------


def test_atomic_writer_replaces_the_file_only_when_the_block_completes(tmp_path):
    target = tmp_path / "issue.pdf"
    target.write_bytes(OLD)
    with atomic_writer(target) as stream:
        stream.write(b"%PDF new")
        assert target.read_bytes() == OLD  # nothing visible until the block ends
    assert target.read_bytes() == b"%PDF new"
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
    assert _leftovers(tmp_path, target) == []


def test_atomic_writer_leaves_the_old_file_intact_when_the_block_raises(tmp_path):
    target = tmp_path / "issue.pdf"
    target.write_bytes(OLD)
    with pytest.raises(RuntimeError, match="disk on fire"), atomic_writer(target) as stream:
        stream.write(b"%PDF-1.7 half a file")
        stream.flush()
        raise RuntimeError("disk on fire")
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, target) == []  # the temporary file is removed


def test_atomic_writer_creates_nothing_when_the_block_raises(tmp_path):
    target = tmp_path / "new" / "issue.pdf"
    with pytest.raises(KeyboardInterrupt), atomic_writer(target) as stream:
        stream.write(b"half")
        raise KeyboardInterrupt
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_write_atomically_writes_text_and_bytes(tmp_path):
    assert write_atomically(tmp_path / "a.txt", "é\n").read_bytes() == "é\n".encode()
    assert write_atomically(tmp_path / "a.bin", b"\0\1").read_bytes() == b"\0\1"


def test_a_process_killed_inside_atomic_writer_leaves_the_old_file(tmp_path):
    """SIGKILL runs no cleanup: only writing beside the target and renaming keeps the old file whole."""
    target = tmp_path / "issue.pdf"
    target.write_bytes(OLD)
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from pathlib import Path
        from newsletter_pdf.files import atomic_writer
        with atomic_writer(Path({str(target)!r})) as stream:
            stream.write(b"%PDF-1.7 the first half of a new file")
            stream.flush()
            os.fsync(stream.fileno())
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, timeout=60)
    assert done.returncode == -signal.SIGKILL
    assert target.read_bytes() == OLD
    _assert_only_hidden_leftovers(tmp_path, target)


# --- a real build, killed -------------------------------------------------------------------

# Runs the CLI on a disk made slow: every binary write of a PDF (or its temporary file) goes out
# in 64 KB pieces 20 ms apart, so a kill reliably lands while the file is half written.
SLOW_DISK = textwrap.dedent(
    """
    import builtins, io, os, sys, time

    class Slow:
        def __init__(self, raw):
            self._raw = raw
        def write(self, data):
            view = memoryview(data)
            for start in range(0, len(view), 65536):
                self._raw.write(view[start:start + 65536])
                self._raw.flush()
                time.sleep(0.02)
            return len(view)
        def __enter__(self):
            self._raw.__enter__()
            return self
        def __exit__(self, *exc):
            return self._raw.__exit__(*exc)
        def __getattr__(self, name):
            return getattr(self._raw, name)

    real_open, real_fdopen = io.open, os.fdopen

    def slow_open(file, mode="r", *args, **kwargs):
        stream = real_open(file, mode, *args, **kwargs)
        name = str(file)
        if "b" in mode and ("w" in mode or "a" in mode or "x" in mode) and name.endswith((".pdf", ".part")):
            return Slow(stream)
        return stream

    def slow_fdopen(fd, mode="r", *args, **kwargs):
        stream = real_fdopen(fd, mode, *args, **kwargs)
        return Slow(stream) if "b" in mode and "w" in mode else stream

    io.open = builtins.open = slow_open
    os.fdopen = slow_fdopen
    from newsletter_pdf.cli.app import app
    sys.argv[0] = "newsletter-pdf"
    app()
    """
)


@pytest.fixture(scope="module")
def good_print_pdf(tmp_path_factory) -> tuple[bytes, int]:
    """A complete print PDF of the sample issue and its page count: the 'last good copy'."""
    from newsletter_pdf.pipeline import build

    out = tmp_path_factory.mktemp("good")
    result = build(SAMPLE_ISSUE, out, profiles=["print"])
    return result.pdf.read_bytes(), result.pages


def _target(out: Path) -> Path:
    return out / "the-millbrook-post-2025-11-print.pdf"


def _state(path: Path):
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _kill_when(process: subprocess.Popen, out: Path, target: Path, when) -> str:
    """SIGKILL the build after `when` seconds, or (when == 'writing') once its PDF is being written."""
    start = time.monotonic()
    before = _state(target)
    while process.poll() is None:
        elapsed = time.monotonic() - start
        if elapsed > 60:
            break
        if when == "writing":
            writing = _state(target) != before or any(p.name.endswith(".part") for p in out.iterdir())
            if writing:
                time.sleep(0.06)  # into the middle of the (slow) write
                break
        elif elapsed >= when:
            break
        time.sleep(0.002)
    if process.poll() is not None:
        return "finished"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return "killed"


def _assert_old_or_complete(target: Path, old: bytes, pages: int) -> str:
    data = target.read_bytes()
    if data == old:
        return "old"
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), f"truncated PDF: {len(data)} bytes"
    reader = pypdf.PdfReader(target, strict=True)
    assert len(reader.pages) == pages
    for page in reader.pages:
        page.extract_text()  # every page's content can be read
    return "new"


@pytest.mark.parametrize(
    "when, slow",
    [(0.3, False), (0.8, False), (1.2, False), ("writing", False), ("writing", True)],
    ids=["after 0.3 s", "after 0.8 s", "after 1.2 s", "while writing", "while writing to a slow disk"],
)
def test_a_build_killed_midway_never_leaves_a_truncated_pdf(good_print_pdf, tmp_path, when, slow):
    old, pages = good_print_pdf
    out = tmp_path / "out"
    out.mkdir()
    target = _target(out)
    target.write_bytes(old)
    args = ["build", str(SAMPLE_ISSUE), "-o", str(out), "-p", "print", "-q"]
    command = [sys.executable, "-c", SLOW_DISK, *args] if slow else [sys.executable, "-m", "newsletter_pdf", *args]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        how = _kill_when(process, out, target, when)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        process.stderr.close()
    if how == "finished":
        assert process.returncode == 0
    assert target.exists(), "the last good PDF disappeared"
    _assert_old_or_complete(target, old, pages)
    if when == "writing" and slow:
        assert how == "killed"
        assert target.read_bytes() == old  # killed mid-write: the old copy must still be there
    _assert_only_hidden_leftovers(out, target)


# --- bad input leaves existing PDFs untouched --------------------------------------------------

runner = CliRunner()
MINIMAL_OUTPUTS = [f"the-test-bulletin-2025-11-{p}.pdf" for p in ("print", "email", "archive")]


def _existing_outputs(out: Path) -> dict[Path, bytes]:
    out.mkdir(parents=True, exist_ok=True)
    files = {out / name: OLD + name.encode() for name in MINIMAL_OUTPUTS}
    files[out / (MINIMAL_OUTPUTS[2] + ".sha256")] = b"0" * 64 + b"  " + MINIMAL_OUTPUTS[2].encode() + b"\n"
    for path, data in files.items():
        path.write_bytes(data)
    return files


def _assert_untouched(out: Path, files: dict[Path, bytes]) -> None:
    for path, data in files.items():
        assert path.read_bytes() == data, f"{path.name} was changed"
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in files), "a new file was written"


def _invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_bad_input_exits_1_and_leaves_existing_pdfs_untouched(case, tmp_path):
    issue, _ = make_case(case, tmp_path / "pub")
    out = tmp_path / "out"
    files = _existing_outputs(out)
    result = _invoke("build", issue, "-o", out)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert "error" in result.output
    _assert_untouched(out, files)


def _minimal(tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(MINIMAL, tmp_path / "pub")
    return tmp_path / "pub" / "2025-11"


def test_an_image_that_is_not_an_image_exits_1_and_leaves_existing_pdfs_untouched(tmp_path):
    issue = _minimal(tmp_path)
    (issue / "images" / "dot.png").write_text("not a picture\n", encoding="utf-8")
    out = tmp_path / "out"
    files = _existing_outputs(out)
    result = _invoke("build", issue, "-o", out)
    assert result.exit_code == 1 and "is not an image" in result.output, result.output
    _assert_untouched(out, files)


@pytest.mark.weasyprint_may_warn
def test_a_refusal_found_while_typesetting_exits_1_and_leaves_existing_pdfs_untouched(tmp_path):
    issue = _minimal(tmp_path)
    own = issue.parent / "own"
    own.mkdir()
    (own / "style.css").write_text("body { background: url(file:///etc/passwd) }\n", encoding="utf-8")
    publication = issue.parent / "newsletter.yaml"
    publication.write_text(publication.read_text(encoding="utf-8") + "layout_dir: own\n", encoding="utf-8")
    out = tmp_path / "out"
    files = _existing_outputs(out)
    result = _invoke("build", issue, "-o", out)
    assert result.exit_code == 1, result.output
    assert "outside the allowed folders" in result.output and "Traceback" not in result.output
    _assert_untouched(out, files)


def test_bad_input_in_a_real_process_exits_1_without_a_traceback(tmp_path):
    issue, _ = make_case(next(c for c in CASES if c.stem == "many-problems"), tmp_path / "pub")
    out = tmp_path / "out"
    files = _existing_outputs(out)
    done = subprocess.run(
        [sys.executable, "-m", "newsletter_pdf", "build", str(issue), "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "problems found; nothing was written" in done.stderr
    _assert_untouched(out, files)


def test_an_output_folder_that_is_a_file_is_left_alone(tmp_path):
    issue = _minimal(tmp_path)
    out = tmp_path / "out"
    out.write_bytes(OLD)
    result = _invoke("build", issue, "-o", out, "-p", "email")
    assert result.exit_code == 1 and "is not a folder" in result.output, result.output
    assert out.read_bytes() == OLD
