"""API keys with a role and a scope (administrators only)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from app.deps import PageDep, PrincipalDep, SessionDep, SettingsDep
from app.problems import problem_responses
from app.repositories.keys import ApiKeys
from app.schemas.common import Page
from app.schemas.keys import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from app.services.keys import issue_key, key_read, revoke_key
from app.strict_route import StrictRoute

router = APIRouter(
    route_class=StrictRoute, prefix="/api-keys", tags=["api keys"], responses=problem_responses()
)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_api_key(
    data: ApiKeyCreate, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> ApiKeyCreated:
    """Issue an API key.

    Issues a key with a role (`admin`, `programme_office`, `assessor`, `chair`,
    `integration`) and the scope that role needs: a footprint for a programme office or an
    integration, a round for a panel member. The key is in this response only; it is stored
    hashed. Administrators only.
    """
    principal.require_admin()
    secret = settings.secret_key.get_secret_value()
    return issue_key(
        session,
        secret,
        data.role,
        data.name,
        data.footprint_id,
        data.round_id,
        data.account_id,
    )


@router.get("")
def list_api_keys(session: SessionDep, principal: PrincipalDep, page: PageDep) -> Page[ApiKeyRead]:
    """List API keys.

    Every key with its role, scope and whether it is revoked; never the secret.
    Administrators only.
    """
    principal.require_admin()
    fetched = ApiKeys(session).page(page.window)
    items = [key_read(r) for r in fetched.rows]
    return page.answer(items, fetched)


@router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_api_key(key_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> Response:
    """Revoke an API key.

    The key is refused (401) from the next request on; what its account did is kept, and a
    new key for the same account (`account_id`) carries on its work. Revoking a revoked key
    changes nothing. Administrators only.
    """
    principal.require_admin()
    revoke_key(session, key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
