"""ETags from row versions, and If-Match checks so that no update is ever lost."""

from __future__ import annotations

import re

from app.problems import BadRequest, PreconditionFailed, PreconditionRequired

# An entity tag as RFC 9110 writes it: optionally weak, always in double quotes.
_ENTITY_TAG = re.compile(r'^(W/)?"[\x21\x23-\x7e\x80-\xff]*"$')


def etag(version: int) -> str:
    return f'"{version}"'


def check_if_match(if_match: str | None, version: int, *, required: bool) -> None:
    """412 when If-Match names none of the current version; 428 when required and absent."""
    if if_match is None:
        if required:
            raise PreconditionRequired("Send If-Match with the ETag from your last GET.")
        return
    tags = {tag.strip() for tag in if_match.split(",")}
    if tags != {"*"}:
        _check_quoted(if_match, tags)
    tags = {tag.removeprefix("W/") for tag in tags}
    if "*" not in tags and etag(version) not in tags:
        raise PreconditionFailed(
            f"The resource is now at ETag {etag(version)}; fetch it again and retry."
        )


def _check_quoted(if_match: str, tags: set[str]) -> None:
    """An unquoted ETag is a client mistake to name, not a changed resource (412)."""
    for tag in tags:
        if not _ENTITY_TAG.match(tag):
            bare = tag.strip('"')
            raise BadRequest(
                f"If-Match takes ETags in double quotes, exactly as the ETag header gives them "
                f'(If-Match: "{bare}"), or * ; it got {if_match!r}.'
            )
