"""Plain exceptions the domain raises; the web shell maps them to problem responses."""


class BpvError(Exception):
    """Base of every domain error."""


class InvalidInput(BpvError):
    """An input breaks a rule of the method; `field` names where, as a dotted path."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidLogicModel(InvalidInput):
    """A logic model or a hypothesis that refers to it is not well formed."""


class InvalidTransition(BpvError):
    """A lifecycle step that the current state does not allow."""


class InfeasibleBudget(BpvError):
    """No selection satisfies the budget and the options' constraints."""
