"""passes.py: print and screen laid out at once in two processes, the same outputs as one after the other."""

from __future__ import annotations

import multiprocessing
import shutil

import pytest

from newsletter_pdf import passes
from newsletter_pdf.pipeline import build
from support.bad_inputs import MINIMAL


@pytest.fixture
def minimal(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "src")
    return tmp_path / "src" / "2025-11"


def _text(path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def test_parallel_and_one_after_the_other_make_the_same_outputs(minimal, tmp_path, monkeypatch):
    monkeypatch.setattr(passes, "can_run_in_parallel", lambda jobs: len(jobs) >= 2)
    together = build(minimal, tmp_path / "together", parallel=True)
    apart = build(minimal, tmp_path / "apart", parallel=False)
    for name in ("email", "archive"):
        assert together.output(name).path.read_bytes() == apart.output(name).path.read_bytes(), name
    assert _text(together.output("print").path) == _text(apart.output("print").path)
    assert [o.pages for o in together.outputs] == [o.pages for o in apart.outputs]
    assert [o.report.warnings for o in together.outputs] == [o.report.warnings for o in apart.outputs]


def test_the_print_pass_runs_in_another_process_when_two_cores_are_free(minimal, tmp_path, monkeypatch):
    import os

    monkeypatch.setattr(passes, "can_run_in_parallel", lambda jobs: len(jobs) >= 2)
    seen: dict[str, int] = {}
    run_one = passes.run_one

    def spy(job):
        seen[job.name] = os.getpid()
        result = run_one(job)
        result.messages.append(f"pid {os.getpid()}")
        return result

    monkeypatch.setattr(passes, "run_one", spy)
    messages: list[str] = []
    build(minimal, tmp_path / "out", parallel=True, progress=messages.append)
    pids = [int(m.split()[1]) for m in messages if m.startswith("pid ")]
    assert len(pids) == 2 and pids[0] != pids[1], "print and screen were laid out in one process"
    assert os.getpid() in pids


def test_one_pass_or_switched_off_stays_in_this_process(minimal, monkeypatch):
    from newsletter_pdf.input.loader import load
    from newsletter_pdf.outputs.profiles import select
    from newsletter_pdf.render.layouts import load_layout

    newsletter, layout = load(minimal), load_layout("classic")
    one = passes.jobs_for(
        select(["email", "archive"]), newsletter, layout, "", [], strict=False, warm=False, options={}
    )
    two = passes.jobs_for(select(None), newsletter, layout, "", [], strict=False, warm=False, options={})
    assert [j.name for j in one] == ["screen"] and [j.name for j in two] == ["print", "screen"]
    assert not passes.can_run_in_parallel(one)
    monkeypatch.setenv(passes.PARALLEL_ENV, "0")
    assert not passes.can_run_in_parallel(two)


def _in_daemon(queue) -> None:
    queue.put(passes.can_run_in_parallel([object(), object()]))  # type: ignore[list-item]


def test_a_batch_worker_never_forks_again():
    """A process pool's workers are daemonic and may not have children: their passes run in turn."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    worker = context.Process(target=_in_daemon, args=(queue,), daemon=True)
    worker.start()
    worker.join(30)
    assert queue.get(timeout=5) is False


@pytest.mark.weasyprint_may_warn
def test_weasyprint_warnings_in_the_child_reach_this_process(minimal, tmp_path, monkeypatch, weasyprint_stays_silent):
    """A warning while laying out print in the child is logged here too, where --strict and the tests see it."""
    own = minimal.parent / "own"
    own.mkdir()
    (own / "style.css").write_text("body { colr: red; }\n", encoding="utf-8")
    publication = minimal.parent / "newsletter.yaml"
    publication.write_text(publication.read_text(encoding="utf-8") + "layout_dir: own\n", encoding="utf-8")
    monkeypatch.setattr(passes, "can_run_in_parallel", lambda jobs: len(jobs) >= 2)
    build(minimal, tmp_path / "together", profiles=["print", "email"], parallel=True)
    together = [r.getMessage() for r in weasyprint_stays_silent]
    weasyprint_stays_silent.clear()
    build(minimal, tmp_path / "apart", profiles=["print", "email"], parallel=False)
    apart = [r.getMessage() for r in weasyprint_stays_silent]
    assert apart, "the bad declaration should make WeasyPrint warn"
    assert sorted(set(together)) == sorted(set(apart))
    assert sum("colr" in m for m in together) == sum("colr" in m for m in apart)


def test_pass_pages_answer_like_a_rendered_document():
    pages = passes.PassPages(3, ["w"], "<html>", [(passes.PlacedSize(10, 20), 1.0, 2.0, 1, "x.png")])
    image, width, height, page, source = next(iter(pages.placed_images()))
    assert (image.width, image.height, width, height, page, source) == (10, 20, 1.0, 2.0, 1, "x.png")
