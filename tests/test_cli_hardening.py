"""The CLI's second hardening round (issue 19, defect 10): every mistake is caught before the
run, in one line with the right exit code; warnings are shown, counts read as English."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

from service.cli import EXIT_CONFIG, EXIT_INPUT, main
from tests.conftest import SEEDS


def _never_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the pipeline starts: the error must come before the run."""

    async def boom(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the run started")

    monkeypatch.setattr("service.runner.reconcile_files", boom)
    monkeypatch.setattr("service.batch.cli.load_dump", boom)


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err and "pydantic" not in err.lower()
    assert err.startswith("rashomon: error: ")
    return err


def _reconcile(*args: str) -> int:
    return main(["reconcile", *map(str, SEEDS), "--backend", "fake", "--quiet", *args])


@pytest.mark.parametrize("command", ["reconcile", "batch"])
@pytest.mark.parametrize("case", ["existing file", "under a file"])
def test_an_unusable_out_fails_before_the_run(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    case: str,
) -> None:
    _never_run(monkeypatch)
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    out = a_file if case == "existing file" else a_file / "sub"
    if command == "reconcile":
        code = _reconcile("--out", str(out))
    else:
        dump = tmp_path / "in.jsonl"
        dump.write_text('{"text": "x"}\n')
        code = main(["batch", str(dump), "--out", str(out), "--backend", "fake", "--quiet"])
    assert code == EXIT_INPUT
    assert str(out) in _one_error_line(capsys)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_an_unwritable_out_fails_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _never_run(monkeypatch)
    # (chmod would not stop root, who runs CI: /proc takes no new directory from anyone)
    assert _reconcile("--out", "/proc/rashomon-out") == EXIT_INPUT
    assert "cannot be written" in _one_error_line(capsys)


@pytest.mark.parametrize(
    ("env", "args", "named"),
    [
        ({}, ["--pairs-per-call", "0"], "--pairs-per-call / RASHOMON_PAIRS_PER_CALL"),
        ({"RASHOMON_MAX_SUMMARY_POINTS": "abc"}, [], "RASHOMON_MAX_SUMMARY_POINTS"),
        ({"RASHOMON_MAX_CONCURRENCY": "0"}, [], "RASHOMON_MAX_CONCURRENCY"),
    ],
)
def test_an_invalid_setting_is_exit_3_in_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    args: list[str],
    named: str,
) -> None:
    _never_run(monkeypatch)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert _reconcile("--out", str(tmp_path / "o"), *args) == EXIT_CONFIG
    assert named in _one_error_line(capsys)


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_non_regular_file_is_refused_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    if kind == "device":
        path = Path("/dev/zero")
    else:
        path = tmp_path / "pipe"
        os.mkfifo(path)
        # A writer that closes at once, so that code which reads the FIFO gets an empty
        # article (and this test fails) instead of blocking forever.
        writer = threading.Thread(target=lambda: os.close(os.open(path, os.O_WRONLY)), daemon=True)
        writer.start()
    code = main(
        ["reconcile", str(path), str(SEEDS[0]), "--out", str(tmp_path / "o"), "--backend", "fake"]
    )
    assert code == EXIT_INPUT
    assert "not a regular file" in _one_error_line(capsys)
    dump = main(["batch", str(path), "--format", "jsonl", "--out", str(tmp_path / "b")])
    assert dump == EXIT_INPUT
    assert "not a regular file" in _one_error_line(capsys)
    if kind == "fifo":  # release the writer: nobody read the FIFO
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
        writer.join(timeout=5)


def test_a_url_is_named_as_one_and_not_fetched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "https://www.bbc.com/news/x"
    code = main(
        ["reconcile", url, str(SEEDS[0]), "--out", str(tmp_path / "o"), "--backend", "fake"]
    )
    assert code == EXIT_INPUT
    line = _one_error_line(capsys)
    assert f"{url}: is a URL" in line and "not fetched" in line
    assert main(["batch", url, "--out", str(tmp_path / "b"), "--backend", "fake"]) == EXIT_INPUT
    line = _one_error_line(capsys)
    assert f"{url}: is a URL" in line and "not fetched" in line


def test_warnings_are_shown_and_counts_are_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SEEDS[0].read_bytes())
    code = main(
        ["reconcile", str(SEEDS[0]), str(copy), "--out", str(tmp_path / "o"), "--backend", "fake"]
    )
    assert code == 0
    captured = capsys.readouterr()
    shown = [line for line in captured.err.splitlines() if line.startswith("rashomon: warning")]
    assert len(shown) == 1 and "duplicates article 1" in shown[0] and str(copy) in shown[0]
    assert "1 source," in captured.out and "1 warning" in captured.out
    assert "1 sources" not in captured.out and "1 warnings" not in captured.out


def test_an_html_page_without_text_is_named_by_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "nav.html"
    page.write_text(
        '<html><head><meta property="og:site_name" content="BBC News"></head><body>'
        "<article><h1>Home News Sport</h1><p>Home News Sport Weather Culture</p></article>"
        "</body></html>"
    )
    out = str(tmp_path / "o")
    assert main(["reconcile", str(page), str(SEEDS[0]), "--out", out, "--backend", "fake"]) == 2
    line = _one_error_line(capsys)
    assert line.startswith(f"rashomon: error: {page}:") and "BBC" not in line


@pytest.mark.parametrize("command", [["labels", "check"], ["labels", "schema"]])
def test_every_subcommand_reports_an_invalid_environment_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("RASHOMON_MAX_SUMMARY_POINTS", "abc")
    assert main(command) == EXIT_CONFIG
    assert "RASHOMON_MAX_SUMMARY_POINTS" in _one_error_line(capsys)
