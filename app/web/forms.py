"""Forms on the pages: a service call whose refusal (bad input) is shown on the form again,
with nothing it wrote kept, instead of answering with an error page."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.problems import ValidationFailed, field_path
from bpv.errors import InvalidInput

T = TypeVar("T")


@dataclass(frozen=True)
class FormError:
    """What is wrong, and the field (its path in the request body, as the API names it)."""

    field: str
    message: str


class Refused(Exception):
    def __init__(self, errors: list[FormError]) -> None:
        super().__init__(errors)
        self.errors = errors


def attempt(session: Session, action: Callable[[], T]) -> T:
    """`action()` in a savepoint; bad input raises Refused with its errors, rolled back."""
    try:
        with session.begin_nested():
            return action()
    except InvalidInput as refused:
        raise Refused([FormError(refused.field or "", refused.message)]) from None
    except ValidationFailed as refused:
        raise Refused(
            [FormError(e.field, e.message) for e in refused.errors]
            or [FormError("", refused.detail)]
        ) from None
    except ValidationError as invalid:
        raise Refused(
            [FormError(field_path(e["loc"]), e["msg"]) for e in invalid.errors()]
        ) from None


def index_in(field: str, collection: str) -> int | None:
    """The item a field path names in `collection`: `scores[2].score` → 2."""
    found = re.match(rf"{re.escape(collection)}\[(\d+)\]", field)
    return int(found.group(1)) if found else None
