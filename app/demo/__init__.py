"""The demo data set, kept as JSON request bodies in this package, and `bpv demo`, which loads it.

`places.json` holds the footprints, organisations and rounds; `bids/*.json` one bid each: its
create body, its logic-model PUT body and its hypotheses' POST bodies; `panel.json` the first
round's panel and its work: conflicts, assessments, a moderation and decisions;
`measurements.json` the realised data of its funded bids (one on track, one off track, one
whose data stopped coming), sent as each footprint's integration sends it.
"""

from app.demo.bodies import (
    DemoBid,
    DemoMeasurements,
    DemoPanel,
    DemoPlaces,
    demo_bids,
    demo_measurements,
    demo_panel,
    demo_places,
)
from app.demo.load import load_demo

__all__ = [
    "DemoBid",
    "DemoMeasurements",
    "DemoPanel",
    "DemoPlaces",
    "demo_bids",
    "demo_measurements",
    "demo_panel",
    "demo_places",
    "load_demo",
]
