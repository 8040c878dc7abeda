"""A synthetic national-scale dataset: about 450 contracts holding 1,600 neighbourhoods with raw contours."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pilotage.geometry import clean_geometry, display_geometry
from pilotage.models import Contract, Facility, Indicator, IndicatorValue, Milestone, Neighbourhood

CONTRACTS = 450
NEIGHBOURHOODS = 1600
POINTS = 121  # vertices of a raw contour, as in a file straight from a GIS


@dataclass(frozen=True)
class RawHood:
    contract: int
    name: str
    geometry: dict  # full-precision GeoJSON polygon, as a national file holds it


def raw_polygon(rnd: random.Random, lon: float, lat: float) -> dict:
    """A wobbly ring of POINTS vertices, 300 m to 1 km across, with all the float digits of a reprojection."""
    radius = rnd.uniform(300, 1000)
    ring = []
    for i in range(POINTS - 1):
        angle = 2 * math.pi * i / (POINTS - 1)
        r = radius * (1 + 0.15 * math.sin(5 * angle) + rnd.uniform(-0.03, 0.03))
        ring.append([lon + r * math.cos(angle) / (111_320 * math.cos(math.radians(lat))),
                     lat + r * math.sin(angle) / 110_540])
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def make_raw(seed: int = 2030) -> list[RawHood]:
    """1,600 contours spread over ~450 contracts across metropolitan France."""
    rnd = random.Random(seed)
    centres = [(rnd.uniform(-4.4, 7.8), rnd.uniform(43.0, 50.8)) for _ in range(CONTRACTS)]
    sizes = [1] * CONTRACTS
    weights = [1 / (i + 1) ** 0.8 for i in range(CONTRACTS)]  # a few big contracts, many small ones
    for index in rnd.choices(range(CONTRACTS), weights=weights, k=NEIGHBOURHOODS - CONTRACTS):
        sizes[index] += 1
    hoods = []
    for contract, (lon, lat) in enumerate(centres):
        for n in range(sizes[contract]):
            spot = (lon + rnd.uniform(-0.06, 0.06), lat + rnd.uniform(-0.04, 0.04))
            hoods.append(RawHood(contract, f"Quartier {contract + 1}-{n + 1}", raw_polygon(rnd, *spot)))
    return hoods


def load(session: Session, raw: list[RawHood]) -> dict[int, int]:
    """Store the dataset as the app would after an import (simplified contours); return contract index -> id."""
    contract_ids: dict[int, int] = {}
    for index in sorted({h.contract for h in raw}):
        contract = Contract(slug=f"contrat-{index + 1}", name=f"Contrat de Ville n° {index + 1}",
                            territory=f"Territoire {index + 1}", start_year=2024, end_year=2030, position=index)
        session.add(contract)
        session.flush()
        contract_ids[index] = contract.id
        session.add(Milestone(contract_id=contract.id, date=dt.date(2026, 6, 30),
                              label="Évaluation à mi-parcours", kind="evaluation"))
        indicator = Indicator(contract_id=contract.id, code="poverty", label="Taux de pauvreté", theme="social",
                              unit="%", decimals=1)
        session.add(indicator)
        session.flush()
        session.info.setdefault("indicators", {})[index] = indicator.id
    for position, hood in enumerate(raw):
        row = Neighbourhood(contract_id=contract_ids[hood.contract], slug=f"q-{position}", name=hood.name,
                            kind="qpv" if position % 4 else "fragile", commune="Commune", population=1000 + position,
                            geometry=display_geometry(clean_geometry(hood.geometry).geometry),
                            geometry_approximate=False, position=position)
        session.add(row)
        session.flush()
        session.add(IndicatorValue(indicator_id=session.info["indicators"][hood.contract], neighbourhood_id=row.id,
                                   value=10 + position % 40, year="2021"))
        ring = hood.geometry["coordinates"][0]
        session.add(Facility(contract_id=contract_ids[hood.contract], name=f"Centre social {position}",
                             kind="centre_social", latitude=ring[0][1], longitude=ring[0][0], neighbourhoods=[row]))
    session.commit()
    return contract_ids
