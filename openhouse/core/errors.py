"""Domain errors. Services raise these; each adapter maps them to its own format in one place."""


class DomainError(Exception):
    """Base class; `message` is a sentence a person can read."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """Absent, or present but hidden from this viewer: the two are never told apart."""

    def __init__(self, message: str = "This page isn't available.") -> None:
        super().__init__(message)


class NotAllowed(DomainError):
    """The actor is known and may see the object, but may not do this to it."""

    def __init__(self, message: str = "You can't do that.") -> None:
        super().__init__(message)


class Invalid(DomainError):
    """Input refused, with a human sentence saying why and what the limit is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class RateLimited(DomainError):
    def __init__(self, message: str = "You're doing that too often. Try again in a few minutes.") -> None:
        super().__init__(message)


class TwoFactorRequired(NotAllowed):
    """A team member without a confirmed second factor tried to act for the organisation."""

    def __init__(
        self,
        message: str = "Set up two-factor authentication in your account's security settings before "
        "you act for the organisation.",
    ) -> None:
        super().__init__(message)
