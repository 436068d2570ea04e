"""Funding rounds, as far as the caller may see them."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.repositories.pages import fetch_page
from app.scopes import visible_rounds
from app.tables import Round


class Rounds:
    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def get(self, round_id: uuid.UUID) -> Round | None:
        stmt = select(Round).where(Round.id == round_id, visible_rounds(self.principal))
        return self.session.scalar(stmt)

    def add(self, round_: Round) -> Round:
        self.session.add(round_)
        self.session.flush()
        return round_

    def page(self, limit: int, offset: int, status: str | None = None) -> tuple[list[Round], int]:
        stmt = select(Round).where(visible_rounds(self.principal))
        if status is not None:
            stmt = stmt.where(Round.status == status)
        return fetch_page(self.session, stmt.order_by(Round.created_at, Round.id), limit, offset)
