"""The CLI door: outputs written, bad input reported in one line with the file and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli import EXIT_CONFIG, EXIT_INPUT, main
from tests.builders import reconcile_seeds
from tests.conftest import SEEDS


def test_reconcile_writes_json_and_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    written = reconcile_seeds(out, "--outlet", "Partisan site", "--outlet", "AFP")
    doc = json.loads(written.read_text())
    assert [s["outlet"] for s in doc["sources"]] == ["Partisan site", "AFP"]
    md = (out / "reconciliation.md").read_text()
    assert (
        "## Neutral summary" in md
        and "## Differences between outlets" in md
        and "## Per-source accounts" in md
    )
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        ("Caf\u00e9 cr\u00e8me au lait, et le reste du texte.".encode("latin-1"), "UTF-8"),
    ],
)
def test_bad_input_gives_one_line_error_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    code = main(
        [
            "reconcile",
            str(bad),
            str(SEEDS[0]),
            "--out",
            str(tmp_path / "o"),
            "--backend",
            "fake",
            "--quiet",
        ]
    )
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert err.startswith("rashomon: error: ") and "bad.txt" in err and expected in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_file_and_huge_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["reconcile", str(tmp_path / "nope.txt"), "--backend", "fake"]) == EXIT_INPUT
    assert "nope.txt" in capsys.readouterr().err
    monkeypatch.setenv("RASHOMON_MAX_ARTICLE_BYTES", "1000")
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000)
    assert main(["reconcile", str(big), "--backend", "fake"]) == EXIT_INPUT
    assert "RASHOMON_MAX_ARTICLE_BYTES" in capsys.readouterr().err


def test_openai_backend_without_endpoint_is_a_config_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["reconcile", str(SEEDS[0]), "--backend", "openai", "--quiet"])
    assert code == EXIT_CONFIG
    assert "RASHOMON_BASE_URL" in capsys.readouterr().err


def test_unreachable_server_is_a_backend_error_naming_the_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RASHOMON_TRANSPORT_RETRIES", "0")
    code = main(
        [
            "reconcile",
            *map(str, SEEDS),
            "--base-url",
            "http://127.0.0.1:9/v1",
            "--model",
            "m",
            "--no-cache",
            "--quiet",
            "--out",
            str(tmp_path / "o"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 4
    assert "127.0.0.1:9" in err and "is the server running" in err


def test_invalid_labels_are_a_one_line_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds"
    (seeds / "articles").mkdir(parents=True)
    (seeds / "articles" / "001.txt").write_text(SEEDS[0].read_text(encoding="utf-8"))
    (seeds / "labels.yaml").write_text("case: x\nfacts: [{id: F01, confidence: high}]\n")
    code = main(
        [
            "eval",
            "--cases",
            "seeds",
            "--seeds-dir",
            str(seeds),
            "--out",
            str(tmp_path / "eval"),
            "--backend",
            "fake",
            "--no-baseline",
            "--quiet",
        ]
    )
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert err.startswith("rashomon: error: ") and "labels.yaml: invalid labels: " in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_fake_latency_is_one_backend_option_of_serve_and_batch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from service.cli import build_parser
    from service.cli_common import settings_from_args

    parser = build_parser()
    for argv in (
        ["serve", "--backend", "fake", "--fake-latency", "0.02"],
        ["batch", "in.jsonl", "--out", "o", "--backend", "fake", "--fake-latency", "0.02"],
    ):
        assert settings_from_args(parser.parse_args(argv)).fake_latency_s == 0.02
    reconcile = parser.parse_args(["reconcile", "a.txt", "--backend", "fake"])
    assert settings_from_args(reconcile).fake_latency_s == 0.0  # not an option of reconcile
    with pytest.raises(SystemExit):
        parser.parse_args(["serve", "--fake-latency", "-1"])
    assert "must be 0 or more seconds" in capsys.readouterr().err
