"""A round's configuration and lifecycle: its criteria framework and appraisal settings are
immutable versions, frozen once the round opens; each status step checks what it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app import translate
from app.problems import Conflict, FieldError
from app.repositories.rounds import Rounds
from app.schemas.appraisals import RoundSettings
from app.schemas.rounds import (
    CriterionIn,
    Envelope,
    RoundCreate,
    RoundRead,
    RoundUpdate,
    Timeline,
    default_criteria,
)
from app.tables import Round, utcnow
from bpv.appraisal import InputKind, UncertainInput, financial_year
from bpv.lifecycle import BidStatus, RoundStatus, round_moved
from bpv.scoring import CriteriaFramework, check_return_counted_once


@dataclass
class RoundService:
    session: Session
    rounds: Rounds

    def create(self, data: RoundCreate) -> Round:
        """A draft round; criteria and settings take their defaults unless given (version 1)."""
        criteria = data.criteria or default_criteria()
        settings = data.settings or RoundSettings()
        check_configuration(criteria, settings)
        row = self.rounds.add(
            Round(
                status=RoundStatus.DRAFT,
                name=data.name,
                programme_areas=data.programme_areas,
                envelope=_document(data.envelope),
                timeline=_document(data.timeline),
                criteria_version=1,
                settings_version=1,
            )
        )
        self.rounds.add_framework(row, 1, _criteria_document(criteria))
        self.rounds.add_settings(row, 1, _settings_document(settings))
        return row

    def update(self, row: Round, data: RoundUpdate) -> Round:
        """Apply a PATCH; everything is checked before anything changes."""
        current = RoundStatus(row.status)
        if current is RoundStatus.DECIDED:
            raise Conflict("A decided round is read-only.")
        criteria = _criteria_document(data.criteria) if data.criteria is not None else None
        settings = _settings_document(data.settings) if data.settings is not None else None
        criteria_changed = criteria is not None and criteria != row.framework.criteria
        settings_changed = settings is not None and settings != row.appraisal_settings.settings
        if (criteria_changed or settings_changed) and current is not RoundStatus.DRAFT:
            field = "criteria" if criteria_changed else "settings"
            message = f"frozen when the round opened; the round is {current}"
            raise Conflict(
                f"The round's {field} were frozen when it opened; it is {current}.",
                errors=[FieldError(field=field, location="body", message=message, type="frozen")],
            )
        check_configuration(
            data.criteria if data.criteria is not None else round_criteria(row),
            data.settings if data.settings is not None else round_settings(row),
        )
        target = round_moved(current, data.status) if data.status else current
        if target is not current:
            self._check_step(row, target)

        if criteria_changed and criteria is not None:
            row.criteria_version += 1
            self.rounds.add_framework(row, row.criteria_version, criteria)
        if settings_changed and settings is not None:
            self._new_settings(row, settings)
        for field in ("envelope", "timeline"):
            value = getattr(data, field)
            if value is not None:
                setattr(row, field, _document(value))
        if data.name is not None:
            row.name = data.name
        if data.programme_areas is not None:
            row.programme_areas = data.programme_areas
        if target is not current:
            self._step(row, target)
        self.session.flush()
        self.session.expire(row, ["framework", "appraisal_settings"])
        return row

    def _check_step(self, row: Round, target: RoundStatus) -> None:
        if target is RoundStatus.DECIDED:
            undecided = self.rounds.undecided_bids(row)
            if undecided:
                listed = ", ".join(str(bid_id) for bid_id in undecided[:20])
                raise Conflict(
                    f"{len(undecided)} bids under assessment have no decision yet: {listed}.",
                    undecided_bids=[str(bid_id) for bid_id in undecided],
                )

    def _step(self, row: Round, target: RoundStatus) -> None:
        row.status = target
        if target is RoundStatus.OPEN:
            row.opened_at = utcnow()
            settings = round_settings(row)
            if settings.base_year is None:
                # All bids of a round are appraised on one base year: by default the
                # financial year in which it opens.
                opened = settings.model_copy(update={"base_year": financial_year(utcnow())})
                self._new_settings(row, _settings_document(opened))
        elif target is RoundStatus.CLOSED:
            for bid in self.rounds.bids(row, BidStatus.SUBMITTED):
                bid.status = BidStatus.UNDER_ASSESSMENT
        elif target is RoundStatus.DECIDED:
            for bid, outcome in self.rounds.decided_bids(row):
                bid.status = BidStatus(outcome)

    def _new_settings(self, row: Round, settings: dict[str, Any]) -> None:
        row.settings_version += 1
        self.rounds.add_settings(row, row.settings_version, settings)


def check_configuration(criteria: list[CriterionIn], settings: RoundSettings) -> None:
    """Raise InvalidInput naming the field for a framework or settings the domain refuses."""
    framework = translate.criteria_framework(criteria, 1)
    check_settings(settings)
    check_return_counted_once(framework, translate.value_settings(settings.value))


def check_settings(settings: RoundSettings) -> None:
    translate.discount_schedule(settings.discounting).validate("settings.discounting")
    translate.value_settings(settings.value, "settings.value")
    if settings.value_per_qaly_uncertainty is not None:
        UncertainInput(
            InputKind.VALUE_PER_QALY,
            settings.value_per_qaly,
            translate.distribution(settings.value_per_qaly_uncertainty),
        ).validate("settings.value_per_qaly_uncertainty")
    monte_carlo = settings.monte_carlo
    if monte_carlo is not None:
        for name in ("cost_uncertainty", "benefit_uncertainty"):
            spec = getattr(monte_carlo, name)
            if spec is not None:
                translate.distribution(spec).validate(f"settings.monte_carlo.{name}")


def round_criteria(row: Round) -> list[CriterionIn]:
    return [CriterionIn.model_validate(c) for c in row.framework.criteria]


def round_framework(row: Round) -> CriteriaFramework:
    return translate.criteria_framework(round_criteria(row), row.criteria_version)


def round_settings(row: Round) -> RoundSettings:
    return RoundSettings.model_validate(row.appraisal_settings.settings)


def round_read(row: Round) -> RoundRead:
    return RoundRead(
        id=row.id,
        name=row.name,
        status=RoundStatus(row.status),
        programme_areas=row.programme_areas,
        envelope=None if row.envelope is None else Envelope.model_validate(row.envelope),
        criteria=round_criteria(row),
        criteria_version=row.criteria_version,
        settings=round_settings(row),
        settings_version=row.settings_version,
        timeline=None if row.timeline is None else Timeline.model_validate(row.timeline),
        opened_at=row.opened_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _document(value: Envelope | Timeline | None) -> dict[str, Any] | None:
    return None if value is None else value.model_dump(mode="json")


def _criteria_document(criteria: list[CriterionIn]) -> list[Any]:
    return [c.model_dump(mode="json") for c in criteria]


def _settings_document(settings: RoundSettings) -> dict[str, Any]:
    return settings.model_dump(mode="json")
