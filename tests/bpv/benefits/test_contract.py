"""The names and fields the web shell codes against stay where they were."""

import dataclasses

import bpv.benefits as benefits

FIELDS = {
    "TrackingSettings": ["amber", "red", "grace_days", "cadence", "value_per_qaly"],
    "Observation": ["period_start", "period_end", "value"],
    "PeriodResult": [
        "period_start",
        "period_end",
        "predicted",
        "realised",
        "variance",
        "variance_pct",
        "rag",
        "missing",
        "predicted_money",
        "realised_money",
    ],
    "Forecast": ["date", "value", "low", "high", "confidence", "method"],
    "VerdictResult": ["verdict", "rule", "figures"],
    "IndicatorTrack": [
        "hypothesis_id",
        "indicator",
        "direction",
        "periods",
        "predicted_money",
        "realised_money",
        "forecast",
        "verdict",
    ],
    "SpendLine": ["cost_line_id", "year", "planned", "actual"],
    "BidBenefits": [
        "tracks",
        "predicted_money",
        "realised_money",
        "planned_spend",
        "actual_spend",
        "realised_roi",
    ],
    "BidOutturn": [
        "bid_id",
        "groups",
        "predicted_money",
        "realised_money",
        "planned_spend",
        "actual_spend",
        "periods_measured",
    ],
    "CalibrationFactor": [
        "dimension",
        "group",
        "measure",
        "ratio",
        "low",
        "high",
        "confidence",
        "bids",
        "method",
    ],
}


def test_every_contract_dataclass_keeps_its_fields_in_order_and_new_ones_have_defaults() -> None:
    for name, fields in FIELDS.items():
        all_fields = dataclasses.fields(getattr(benefits, name))
        assert [f.name for f in all_fields][: len(fields)] == fields, name
        for added in all_fields[len(fields) :]:
            assert added.default is not dataclasses.MISSING or (
                added.default_factory is not dataclasses.MISSING
            ), f"{name}.{added.name}"


def test_the_contract_s_enums_and_functions_are_there() -> None:
    assert [r.value for r in benefits.Rag] == ["green", "amber", "red"]
    assert [v.value for v in benefits.Verdict] == [
        "on_track",
        "at_risk",
        "off_track",
        "confirmed",
        "refuted",
        "no_data",
    ]
    assert [c.value for c in benefits.Cadence] == ["month", "quarter"]
    for name in ("track", "bid_benefits", "calibrate"):
        assert callable(getattr(benefits, name))
