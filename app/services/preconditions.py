"""ETags from row versions, and If-Match checks so that no update is ever lost."""

from __future__ import annotations

from app.problems import PreconditionFailed, PreconditionRequired


def etag(version: int) -> str:
    return f'"{version}"'


def check_if_match(if_match: str | None, version: int, *, required: bool) -> None:
    """412 when If-Match names none of the current version; 428 when required and absent."""
    if if_match is None:
        if required:
            raise PreconditionRequired("Send If-Match with the ETag from your last GET.")
        return
    tags = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in tags and etag(version) not in tags:
        raise PreconditionFailed(
            f"The resource is now at ETag {etag(version)}; fetch it again and retry."
        )
