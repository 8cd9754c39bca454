from service.batch.progress import format_rate


def test_slow_events_are_shown_as_seconds_per_event_not_zero() -> None:
    assert format_rate(1 / 254) == "254 s/event"
    assert format_rate(7.08) == "7.08 events/s"
    assert format_rate(0.0) == "0 events/s"
