"""The appraisal snapshot taken when a bid version is submitted.

Rankings, decisions and calibration read it, so they use the figures the panel saw, not a
recomputation under later code or settings.
"""

from __future__ import annotations

from app.schemas.appraisals import BidAppraisalOut, ScoresOut
from app.schemas.calibration import CalibratedOut
from app.services.appraisals import BidAppraisalResult
from app.tables import AppraisalSnapshot, BidVersion


def snapshot_of(version: BidVersion, result: BidAppraisalResult) -> AppraisalSnapshot:
    """The row that keeps `result` for `version`: ranking figures as columns, the whole
    appraisal as it was shown as a document."""
    appraisal = result.appraisal.appraisal
    monte_carlo = result.appraisal.monte_carlo
    shown = appraisal_out(result)
    return AppraisalSnapshot(
        bid_version_id=version.id,
        method_version=shown.method_version,
        criteria_version=result.criteria_version,
        settings_version=result.settings_version,
        seed=None if monte_carlo is None else monte_carlo.seed,
        base_year=result.appraisal.base_year,
        pv_costs=None if appraisal is None else appraisal.pv_costs,
        pv_benefits=None if appraisal is None else appraisal.pv_benefits,
        npsv=None if appraisal is None else appraisal.npsv,
        bcr=None if appraisal is None else appraisal.bcr,
        cash_releasing_roi=None if appraisal is None else appraisal.roi,
        qalys=None if appraisal is None else appraisal.discounted_qalys,
        requested_funding=result.requested_funding,
        quality_score=result.quality.score,
        computed=[
            {
                "criterion": score.criterion,
                "value": score.value,
                "fraction": score.fraction,
                "detail": score.detail,
            }
            for score in result.scores.computed
        ],
        document=shown.model_dump(mode="json"),
    )


def appraisal_out(result: BidAppraisalResult) -> BidAppraisalOut:
    return BidAppraisalOut.of(
        result.appraisal,
        bid_id=result.bid_id,
        bid_version=result.bid_version,
        round_id=result.round_id,
        settings=result.settings,
        settings_version=result.settings_version,
        scores=ScoresOut.of(result.scores, result.criteria_version),
        calibrated=None if result.calibrated is None else CalibratedOut.of(result.calibrated),
    )


def stored_appraisal(snapshot: AppraisalSnapshot) -> BidAppraisalOut:
    """The appraisal as it was shown at submission."""
    return BidAppraisalOut.model_validate(
        {**snapshot.document, "snapshot_at": snapshot.created_at.isoformat()}
    )
