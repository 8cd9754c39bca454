"""Small synthetic dumps for the batch tests."""

from __future__ import annotations

import json
from pathlib import Path

TOPICS = [
    ("dam", "The river dam near Orlen failed on Monday after heavy rain"),
    ("strike", "Port workers in Valda began a strike over wages on Tuesday"),
    ("quake", "A strong earthquake shook the coastal town of Mirsk early Wednesday"),
    ("vote", "The parliament of Estria approved the new budget by a narrow vote"),
    ("fire", "A forest fire spread across the hills north of Teral overnight"),
    ("merger", "Two regional banks in Olvia announced a merger worth four billion"),
]


def article(topic: int, outlet: str, variant: int = 0, marker: str = "") -> str:
    key, lead = TOPICS[topic % len(TOPICS)]
    n = topic // len(TOPICS)
    # The outlets tell the mayor's view differently: a pair only the model can judge, so each
    # event makes one alignment call (the marker must reach the model to fail an event).
    mayor = [
        'said the response was "fast and firm"',
        "said the response of the rescue teams was slow and badly organised",
    ]
    return (
        f"{lead}, officials said (case {n}). "
        f"{outlet} reported that {variant + 3} people were affected in the {key} case {n}. "
        f"The mayor {mayor[variant % 2]} {marker}. "
        f"Critics denied that warnings had been given in time."
    )


def write_jsonl(
    path: Path,
    events: int,
    *,
    per_event: int = 2,
    marker_every: int = 0,
    text_field: str = "text",
    event_field: str = "event",
) -> list[str]:
    """One record per article, `events` events; returns the event keys."""
    keys = []
    with path.open("w", encoding="utf-8") as fh:
        for e in range(events):
            key = f"story-{e}"
            keys.append(key)
            marker = "FAILME" if marker_every and e % marker_every == 0 else ""
            for a in range(per_event):
                outlet = f"Outlet {chr(65 + a)}"
                fh.write(
                    json.dumps(
                        {
                            text_field: article(e, outlet, a, marker),
                            event_field: key,
                            "outlet": outlet,
                            "title": f"{TOPICS[e % len(TOPICS)][0]} {e}",
                        }
                    )
                    + "\n"
                )
    return keys


def results(out: Path) -> list[dict[str, object]]:
    path = out / "results.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def failures(out: Path) -> list[dict[str, object]]:
    path = out / "failures.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]
