"""Loaders turning research data sets into labelled multi-article `Event`s."""

from service.datasets.basil import BasilStats, load_basil, load_basil_with_stats
from service.datasets.events import BiasSpan, Event, EventLabels, stable_event_id
from service.datasets.neus import load_neus

__all__ = [
    "BasilStats",
    "BiasSpan",
    "Event",
    "EventLabels",
    "load_basil",
    "load_basil_with_stats",
    "load_neus",
    "stable_event_id",
]
