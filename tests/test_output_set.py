"""Files and concurrency (issue 16): a lock per output folder, PDF and checksum as a pair, the set
of outputs all or nothing on a full disk, and bytes that depend on content only.

Real processes, real signals and a real full disk (a small tmpfs where this machine lets us mount
one; a per-process file size limit everywhere).
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from newsletter_pdf.errors import UserError
from newsletter_pdf.files import JOURNAL_NAME, output_lock, write_set
from support.bad_inputs import MINIMAL
from support.paths import ROOT

NAMES = [f"the-test-bulletin-2025-11-{p}.pdf" for p in ("print", "email", "archive")]


def _copy(tmp_path: Path, name: str = "pub") -> Path:
    shutil.copytree(MINIMAL, tmp_path / name)
    return tmp_path / name / "2025-11"


def _checksum_matches(out: Path) -> bool:
    archive = out / NAMES[2]
    recorded = (out / (NAMES[2] + ".sha256")).read_text(encoding="utf-8").split()
    return recorded == [hashlib.sha256(archive.read_bytes()).hexdigest(), archive.name]


def _python(script: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT, **kwargs)


# --- one build at a time per output folder -----------------------------------------------------


def test_a_second_writer_waits_for_the_lock_and_names_its_holder(tmp_path):
    out = tmp_path / "out"
    holder = _python(
        f"""
        import sys, time
        from pathlib import Path
        from newsletter_pdf.files import output_lock
        with output_lock(Path({str(out)!r})):
            print("held", flush=True)
            time.sleep(3)
        print("released", flush=True)
        time.sleep(1)
        """,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"held"
        said: list[str] = []
        with pytest.raises(UserError) as info, output_lock(out, said.append, wait=0.5):
            pass
        assert f"process {holder.pid}" in str(info.value) and str(out) in str(info.value)
        assert said and f"process {holder.pid}" in said[0]
        start = time.monotonic()
        with output_lock(out, wait=30):  # waits for the holder, then goes on
            assert holder.stdout.readline().strip() == b"released"
        assert 1.0 < time.monotonic() - start < 30
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_two_builds_into_one_folder_at_once_leave_a_matching_checksum(tmp_path):
    """The issue's trial: different content, same names, started together. Run several rounds."""
    first, second = _copy(tmp_path, "a"), _copy(tmp_path, "b")
    text = (second / "issue.yaml").read_text(encoding="utf-8")
    (second / "issue.yaml").write_text(text.replace("The first paragraph.", "Other words entirely."), encoding="utf-8")
    out = tmp_path / "out"
    for _ in range(2):
        builds = [
            subprocess.Popen(
                [sys.executable, "-m", "newsletter_pdf", "build", str(issue), "-o", str(out), "-p", "archive", "-q"],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for issue in (first, second)
        ]
        codes = []
        for build in builds:
            _, err = build.communicate(timeout=120)
            codes.append((build.returncode, err.decode()))
        # The archive protects itself (before issue 13's publish): one build may refuse to replace
        # the other's copy, with a message; none may fail otherwise.
        for code, err in codes:
            assert code in (0, 1) and "Traceback" not in err, err
            assert code == 0 or "already exists" in err, err
        assert _checksum_matches(out)
        shutil.rmtree(out)


# --- a PDF and its checksum as a pair, even when killed between the renames ---------------------

KILL_AFTER_FIRST_RENAME = """
    import os, signal
    from pathlib import Path
    import newsletter_pdf.files as files
    renames = []
    real = os.replace
    def replace_then_die(source, target):
        real(source, target)
        renames.append(target)
        if str(target).endswith(".pdf") and len(renames) >= 2:  # the journal, then the PDF: die
            os.kill(os.getpid(), signal.SIGKILL)
    os.replace = replace_then_die
    out = Path({out!r})
    with files.output_lock(out):
        files.write_set([(out / "x.pdf", b"%PDF new"), (out / "x.pdf.sha256", b"new-sum  x.pdf\\n")])
"""


def test_a_build_killed_between_the_pdf_and_its_checksum_is_completed_by_the_next(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.pdf").write_bytes(b"%PDF old")
    (out / "x.pdf.sha256").write_bytes(b"old-sum  x.pdf\n")
    killed = _python(KILL_AFTER_FIRST_RENAME.format(out=str(out)))
    assert killed.wait(timeout=60) == -9
    # The kill landed between the two renames: the new PDF beside the old checksum, and the journal.
    assert (out / "x.pdf").read_bytes() == b"%PDF new"
    assert (out / "x.pdf.sha256").read_bytes() == b"old-sum  x.pdf\n"
    assert (out / JOURNAL_NAME).exists()
    with output_lock(out):  # what the next build does first
        pass
    assert (out / "x.pdf.sha256").read_bytes() == b"new-sum  x.pdf\n"
    assert not (out / JOURNAL_NAME).exists()
    assert not list(out.glob(".*.part"))


def test_a_write_killed_before_the_renames_leaves_the_old_pair(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.pdf").write_bytes(b"%PDF old")
    (out / "x.pdf.sha256").write_bytes(b"old-sum  x.pdf\n")
    script = KILL_AFTER_FIRST_RENAME.replace("len(renames) >= 2", "len(renames) >= 0").replace(
        'str(target).endswith(".pdf") and ', ""
    )
    killed = _python(script.format(out=str(out)))
    assert killed.wait(timeout=60) == -9
    with output_lock(out):
        pass
    pair = ((out / "x.pdf").read_bytes(), (out / "x.pdf.sha256").read_bytes())
    assert pair in ((b"%PDF old", b"old-sum  x.pdf\n"), (b"%PDF new", b"new-sum  x.pdf\n"))


# --- a full disk: all or nothing, and the file named ---------------------------------------------


def test_a_write_that_fails_part_way_names_its_file_and_replaces_nothing(tmp_path):
    """A per-process file size limit (RLIMIT_FSIZE) makes the third, largest file fail (EFBIG)."""
    out = tmp_path / "out"
    out.mkdir()
    for name in NAMES:
        (out / name).write_bytes(b"old " + name.encode())
    script = f"""
        import resource, signal
        from pathlib import Path
        from newsletter_pdf.errors import UserError
        from newsletter_pdf.files import write_set
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))
        out = Path({str(out)!r})
        try:
            write_set([(out / {NAMES[0]!r}, b"a" * 1000), (out / {NAMES[1]!r}, b"b" * 1000),
                       (out / {NAMES[2]!r}, b"c" * 200_000)])
        except UserError as error:
            print(error)
    """
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT, capture_output=True, timeout=60)
    message = done.stdout.decode()
    assert NAMES[2] in message and "Nothing was replaced" in message, done
    for name in NAMES:
        assert (out / name).read_bytes() == b"old " + name.encode()
    assert not list(out.glob(".*.part"))


@pytest.fixture
def tiny_disk(tmp_path):
    """A 2 MB tmpfs (root only: skipped where mounting is not allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_part_way_through_leaves_the_old_set_and_names_the_file(tiny_disk, tmp_path):
    from newsletter_pdf.pipeline import build

    issue = _copy(tmp_path)
    out = tiny_disk / "out"
    build(issue, out)
    before = {name: (out / name).read_bytes() for name in NAMES}
    # Fill the disk so that the new print and email PDFs fit beside the old set, but not the archive.
    room = len(before[NAMES[0]]) + len(before[NAMES[1]]) + 24 * 1024  # tmpfs counts whole 4 KB pages
    free = os.statvfs(tiny_disk).f_bavail * os.statvfs(tiny_disk).f_frsize
    assert free > room, "the tmpfs is too small for this issue's outputs"
    (tiny_disk / "filler").write_bytes(b"\0" * (free - room))
    text = (issue / "issue.yaml").read_text(encoding="utf-8")
    (issue / "issue.yaml").write_text(text.replace("The first paragraph.", "New words."), encoding="utf-8")
    with pytest.raises(UserError) as info:
        build(issue, out, force=True)  # force: the archive protection (until issue 13's publish) steps aside
    message = str(info.value)
    # Part-way: the print PDF (written first) was complete when a later file found the disk full.
    assert "disk is full" in message and (NAMES[1] in message or NAMES[2] in message), message
    assert {name: (out / name).read_bytes() for name in NAMES} == before
    assert _checksum_matches(out)
    assert not list(out.glob(".*.part"))


def test_the_write_error_says_what_happened_in_words(tmp_path):
    from newsletter_pdf.files import _write_error

    target = tmp_path / "x.pdf"
    assert "disk is full" in str(_write_error(target, OSError(errno.ENOSPC, "No space left on device")))
    assert "may not be written" in str(_write_error(target, OSError(errno.EACCES, "Permission denied")))
    assert str(target) in str(_write_error(target, OSError(errno.EIO, "Input/output error")))


def test_write_set_renames_nothing_until_every_file_is_complete(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a").write_bytes(b"old a")

    with pytest.raises(TypeError):
        write_set([(out / "a", b"new a"), (out / "b", object())])  # type: ignore[list-item]
    assert (out / "a").read_bytes() == b"old a" and not (out / "b").exists()
    assert not list(out.glob(".*.part"))


# --- bytes that depend on content only ------------------------------------------------------------


def test_every_output_is_byte_identical_from_any_folder_and_on_every_build(tmp_path):
    """The issue: the archive changed when the folder moved (image names from absolute paths), and
    the print PDF on every build (a random xmpMM:DocumentID)."""
    from newsletter_pdf.pipeline import build

    here, there = _copy(tmp_path / "here"), _copy(tmp_path / "somewhere" / "else" / "entirely")
    first = build(here, tmp_path / "out1")
    again = build(here, tmp_path / "out2")
    moved = build(there, tmp_path / "out3")
    for a, b, c in zip(first.outputs, again.outputs, moved.outputs, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes(), f"{a.profile.name} differs between two builds"
        assert a.path.read_bytes() == c.path.read_bytes(), f"{a.profile.name} differs when the folder moves"
    print_pdf = first.output("print").path.read_bytes()
    assert b"xmp.did:00000000-0000-0000-0000-000000000000" not in print_pdf  # the placeholder was replaced
    assert b"xmp.did:" in print_pdf
