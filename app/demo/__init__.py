"""The demo data set, kept as JSON request bodies in this package, and `bpv demo`, which loads it.

`places.json` holds the footprints, organisations and round; `bids/*.json` one bid each: its
create body, its logic-model PUT body and its hypotheses' POST bodies.
"""

from app.demo.bodies import DemoBid, DemoPlaces, demo_bids, demo_places
from app.demo.load import load_demo

__all__ = ["DemoBid", "DemoPlaces", "demo_bids", "demo_places", "load_demo"]
