"""The eval's progress for the CLI: a tracker that folds `run_eval`'s events (runner.EVAL and
the rest, with each case's reconcile events) into one fraction of the whole run, so
`rashomon eval` draws the same bar with an ETA as `rashomon reconcile`
(`cli_common.RunProgress`)."""

from __future__ import annotations

from service.cli_common import OverallProgress
from service.evals.runner import BASELINE, BASELINE_SCORING, CASE, EVAL, SCORING
from service.pipeline.progress import Progress

# Each step's (start, share) of one case. The pipeline is most of the model calls; the
# judge's questions on its output come next; the baseline is one call plus its judging.
CASE_SHARES: dict[str, tuple[float, float]] = {
    "pipeline": (0.0, 0.70),
    SCORING: (0.70, 0.15),
    BASELINE: (0.85, 0.05),
    BASELINE_SCORING: (0.90, 0.10),
}
STEP_NAMES = {
    SCORING: "scoring the pipeline output",
    BASELINE: "writing the baseline summary",
    BASELINE_SCORING: "scoring the baseline",
}


class EvalTracker:
    """One fraction (0..1, never backwards) for a whole eval: finished cases plus the share
    of the current one, whose reconcile events fold as in `rashomon reconcile`."""

    def __init__(self) -> None:
        self.fraction = 0.0
        self.cases = 1
        self.finished = 0
        self.case_id = ""
        self.number = 0  # of the current (or last) case, from 1
        self.pipeline = OverallProgress(0)
        self.within = 0.0
        self._step = "starting"
        self._running = False

    def update(self, p: Progress) -> float:
        if p.step == EVAL:
            # (n-1, N, id) when case n starts, (n, N, id) when it is done.
            self.cases = max(p.total, 1)
            self.finished = p.done
            self.within = 0.0
            if self._running and p.source_id == self.case_id:
                self._running, self._step = False, "scored"
            else:
                self._running, self._step = True, "starting"
                self.case_id, self.number = p.source_id or "", p.done + 1
        elif p.step == CASE:
            self.pipeline = OverallProgress(p.total)
            self.within = 0.0
            self._step = "reading the articles"
        else:
            part = p.done / p.total if p.total else 1.0
            if p.step in CASE_SHARES:
                start, share = CASE_SHARES[p.step]
                self._step = STEP_NAMES[p.step]
            else:  # a pipeline step of this case
                start, share = CASE_SHARES["pipeline"]
                part = self.pipeline.update(p)
                self._step = self.pipeline.label(p)
            self.within = max(self.within, start + share * part)
        f = (self.finished + min(self.within, 1.0)) / self.cases
        self.fraction = max(self.fraction, min(f, 1.0))
        return self.fraction

    def label(self, p: Progress) -> str:
        return f"case {self.number}/{self.cases} {self.case_id}: {self._step}"
