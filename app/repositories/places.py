"""Footprints and organisations (readable by every role)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.repositories.pages import Fetched, Window, fetch_page
from app.tables import Footprint, Organisation


class Footprints:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, footprint_id: uuid.UUID) -> Footprint | None:
        return self.session.get(Footprint, footprint_id)

    def by_code(self, code: str) -> Footprint | None:
        return self.session.scalar(select(Footprint).where(Footprint.code == code))

    def many(self, ids: Sequence[uuid.UUID]) -> list[Footprint]:
        return list(self.session.scalars(select(Footprint).where(Footprint.id.in_(ids))))

    def add(self, footprint: Footprint) -> Footprint:
        self.session.add(footprint)
        self.session.flush()
        return footprint

    def page(self, window: Window) -> Fetched[Footprint]:
        return fetch_page(self.session, select(Footprint), window, (Footprint.code,))


class Organisations:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, organisation_id: uuid.UUID) -> Organisation | None:
        return self.session.get(Organisation, organisation_id)

    def by_code(self, code: str) -> Organisation | None:
        return self.session.scalar(select(Organisation).where(Organisation.code == code))

    def add(self, organisation: Organisation) -> Organisation:
        self.session.add(organisation)
        self.session.flush()
        return organisation

    def page(self, window: Window, footprint_id: uuid.UUID | None = None) -> Fetched[Organisation]:
        stmt = select(Organisation)
        if footprint_id is not None:
            stmt = stmt.where(Organisation.footprints.any(Footprint.id == footprint_id))
        return fetch_page(self.session, stmt, window, (Organisation.code,))
