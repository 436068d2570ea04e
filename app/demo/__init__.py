"""The demo data set, kept as JSON request bodies in this package, and `bpv demo`, which loads it.

`places.json` holds the footprints, organisations and rounds; `bids/*.json` one bid each: its
create body, its logic-model PUT body and its hypotheses' POST bodies; `panel.json` the first
round's panel and its work: conflicts, assessments, a moderation and decisions.
"""

from app.demo.bodies import DemoBid, DemoPanel, DemoPlaces, demo_bids, demo_panel, demo_places
from app.demo.load import load_demo

__all__ = [
    "DemoBid",
    "DemoPanel",
    "DemoPlaces",
    "demo_bids",
    "demo_panel",
    "demo_places",
    "load_demo",
]
