"""The exceptions a call raises when the silo answers with an error: one class per meaning, each carrying the
problem document (RFC 9457) the silo sent."""

from __future__ import annotations

from typing import Any, Mapping


class SessionsApiError(Exception):
    """The silo answered with an error status; ``problem`` is its problem document."""

    def __init__(self, status: int, problem: Mapping[str, Any] | None = None, retry_after: float | None = None) -> None:
        self.status = status
        self.problem: dict[str, Any] = dict(problem or {})
        self.retry_after = retry_after
        """Seconds the silo asked to wait before trying again (429 and 503)."""
        super().__init__(self.detail or self.title or f"The sessions API answered {status}.")

    @property
    def type(self) -> str | None:
        return self.problem.get("type")

    @property
    def title(self) -> str | None:
        return self.problem.get("title")

    @property
    def detail(self) -> str | None:
        return self.problem.get("detail")

    @property
    def field(self) -> str | None:
        """The request field the problem is about ("items", "operationId", "sessionId", "expectedSuffix", …)."""
        return self.problem.get("field")

    @property
    def limit(self) -> Any:
        """The limit the request went over, where one applies."""
        return self.problem.get("limit")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, field={self.field!r}, detail={self.detail!r})"


class BadRequestError(SessionsApiError):
    """400, 413 (too large) or 415 (not JSON): the request was refused and changed nothing."""


class UnauthorizedError(SessionsApiError):
    """401: no valid API key or user token."""


class ForbiddenError(SessionsApiError):
    """403: the key or token is valid but its scope does not allow this route."""


class NotFoundError(SessionsApiError):
    """404: no such session, user, or data key (or it is not yours)."""


class ConflictError(SessionsApiError):
    """409: the session already exists, an operation id was reused with other items, or a history suffix moved."""


class UnavailableError(SessionsApiError):
    """503: try again after ``retry_after`` seconds (Redis unreachable, a session's queue is full, or its silo left)."""


class RateLimitedError(UnavailableError):
    """429: too many requests; try again after ``retry_after`` seconds."""


_BY_STATUS: dict[int, type[SessionsApiError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    413: BadRequestError,
    415: BadRequestError,
    429: RateLimitedError,
    503: UnavailableError,
}


def error_for(status: int, problem: Mapping[str, Any] | None, retry_after: float | None) -> SessionsApiError:
    return _BY_STATUS.get(status, SessionsApiError)(status, problem, retry_after)
