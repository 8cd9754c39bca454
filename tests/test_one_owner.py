"""Small helpers that had twins now have one owner each (issue 12, part 6)."""

from __future__ import annotations

from service.api import jobs, models, problems, validation
from service.errors import InputError
from service.evals import report
from service.evals.labels import LabelsError
from service.render import markdown


def test_field_paths_have_one_owner() -> None:
    assert problems.field_path(("body", "articles", 0, "text")) == "body.articles[0].text"
    assert problems.field_path(()) == ""
    assert validation.field_path is problems.field_path
    assert not hasattr(validation, "_field") and not hasattr(problems, "_loc")


def test_markdown_table_cells_have_one_owner() -> None:
    assert markdown.table_cell(" a |\n b ") == "a \\| b"
    assert report.table_cell is markdown.table_cell
    assert not hasattr(report, "_cell") and not hasattr(markdown, "_cell")


def test_job_status_has_one_owner() -> None:
    assert jobs.JobStatus is models.JobStatus
    assert not hasattr(jobs, "JobState")


def test_metric_formats_have_one_owner() -> None:
    assert [report.fmt(x) for x in (0.5, 12345.0, None)] == ["0.500", "12,345", "n/a"]
    assert [report.fmt_diff(x) for x in (0.5, -0.25, 1234.0)] == ["+0.500", "-0.250", "+1,234"]
    assert report.fmt_diff(-3.0, "cost") == "-3" and report.fmt(0.4, "cost") == "0"


def test_dead_sentence_numbering_is_gone() -> None:
    from service.text import sentences

    assert not hasattr(sentences, "numbered")  # it had no caller left


def test_labels_errors_are_input_errors() -> None:
    assert issubclass(LabelsError, InputError) and issubclass(LabelsError, ValueError)


def test_the_eval_log_has_one_owner() -> None:
    from service.evals import cli

    assert not hasattr(cli, "printer_log")  # the runner's default stderr log is the one
