"""A round's configuration: its versioned criteria framework, envelope, settings and timeline.

They are stored as documents on the round row, checked by the domain before they are stored.
"""

from __future__ import annotations

from typing import Any

from app import translate
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
from app.tables import Round
from bpv.appraisal import InputKind, UncertainInput
from bpv.lifecycle import RoundStatus, round_moved
from bpv.scoring import CriteriaFramework


def new_round(data: RoundCreate) -> Round:
    """A draft round; criteria and settings take their defaults, fixed from now on."""
    criteria = data.criteria or default_criteria()
    translate.criteria_framework(criteria, 1)
    settings = data.settings or RoundSettings()
    check_settings(settings)
    return Round(
        status=RoundStatus.DRAFT,
        name=data.name,
        programme_areas=data.programme_areas,
        envelope=_document(data.envelope),
        criteria=_criteria_document(criteria),
        criteria_version=1,
        settings=_settings_document(settings),
        timeline=_document(data.timeline),
    )


def apply_round_update(row: Round, data: RoundUpdate) -> None:
    """Apply a PATCH; everything is checked before anything changes."""
    version = row.criteria_version
    criteria = None
    if data.criteria is not None:
        translate.criteria_framework(data.criteria, version + 1)
        criteria = _criteria_document(data.criteria)
        if criteria != row.criteria:
            version += 1
    if data.settings is not None:
        check_settings(data.settings)
    status = round_moved(RoundStatus(row.status), data.status) if data.status else None

    if criteria is not None:
        row.criteria = criteria
        row.criteria_version = version
    if data.settings is not None:
        row.settings = _settings_document(data.settings)
    if data.envelope is not None:
        row.envelope = _document(data.envelope)
    if data.timeline is not None:
        row.timeline = _document(data.timeline)
    if data.name is not None:
        row.name = data.name
    if data.programme_areas is not None:
        row.programme_areas = data.programme_areas
    if status is not None:
        row.status = status


def check_settings(settings: RoundSettings) -> None:
    """Raise InvalidInput naming the field for settings the domain would refuse."""
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
    if row.criteria is None:
        return default_criteria()
    return [CriterionIn.model_validate(c) for c in row.criteria]


def round_framework(row: Round) -> CriteriaFramework:
    return translate.criteria_framework(round_criteria(row), row.criteria_version)


def round_settings(row: Round) -> RoundSettings:
    return RoundSettings.model_validate(row.settings or {})


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
        timeline=None if row.timeline is None else Timeline.model_validate(row.timeline),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _document(value: Envelope | Timeline | None) -> dict[str, Any] | None:
    return None if value is None else value.model_dump(mode="json")


def _criteria_document(criteria: list[CriterionIn]) -> list[Any]:
    return [c.model_dump(mode="json") for c in criteria]


def _settings_document(settings: RoundSettings) -> dict[str, Any]:
    return settings.model_dump(mode="json")
