"""One router per resource, all included from here."""

from fastapi import FastAPI

from app.routers import (
    api_keys,
    appraisals,
    assessments,
    benefits,
    bids,
    calibration,
    conflicts,
    cost_lines,
    decisions,
    delivery,
    footprints,
    health,
    hypotheses,
    logic_models,
    measurements,
    moderations,
    organisations,
    portfolio,
    ranking,
    rounds,
    webhooks,
)


def include_all(app: FastAPI) -> None:
    app.include_router(health.router)
    for module in (
        footprints,
        organisations,
        api_keys,
        rounds,
        conflicts,
        assessments,
        moderations,
        ranking,
        portfolio,
        decisions,
        bids,
        delivery,
        logic_models,
        hypotheses,
        cost_lines,
        measurements,
        appraisals,
        benefits,
        calibration,
        webhooks,
    ):
        app.include_router(module.router, prefix="/v1")
