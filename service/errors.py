"""The error hierarchy. Every error names what went wrong and how to fix it.

- ConfigError: the settings are wrong (fix a setting or install an extra).
- InputError: an article or request is unusable (fix the input).
- BackendError: the model backend failed at run time (check the server).
  SDK exceptions are translated into these at the adapter boundary, chained with `from`.
"""

from __future__ import annotations


class RashomonError(Exception):
    """Base class: `str(err)` is a one-line message that includes the fix."""


class ConfigError(RashomonError):
    """A setting is missing or inconsistent, or an optional component is not installed."""


class InputError(RashomonError):
    """An input article or request cannot be processed as given."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class BackendError(RashomonError):
    """The model backend failed at run time."""

    def __init__(self, message: str, *, backend: str) -> None:
        self.backend = backend
        super().__init__(f"[backend {backend}] {message}")


class BackendUnavailableError(BackendError):
    """The backend could not be reached, or kept failing after transport retries."""


class TruncatedOutputError(BackendError):
    """The model stopped at the token limit (finish_reason == 'length'): the answer is cut off."""


class InvalidOutputError(BackendError):
    """The model's answer did not satisfy the schema after the re-ask budget was spent."""
