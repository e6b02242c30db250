"""The one error type the control API answers with."""


class ApiError(Exception):
    """A request the bridge refuses: the HTTP status and a sentence naming the problem."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
