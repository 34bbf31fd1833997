"""The live stream's state: running per-zone totals of a run, advanced by polling the
database for samples newer than the last one seen (works across worker processes)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..protocol import iso_utc
from ..repositories import stats as stats_repo


@dataclass
class LiveCounts:
    run_id: int
    last_sample_id: int = 0
    zones: dict[str, dict] = field(default_factory=dict)

    def load(self, conn: sa.Connection) -> None:
        """Totals so far (one aggregate query), then increments only."""
        self.last_sample_id = stats_repo.max_sample_id(conn)
        up_to = self.last_sample_id
        current = stats_repo.current_occupancy(conn, [self.run_id], up_to)
        for key, summary in stats_repo.zone_summaries(conn, [self.run_id], up_to).items():
            self.zones[key] = {"zone_key": key, "zone_id": summary["zone_id"],
                               "occupancy": current.get(key, 0),
                               "entries": summary["entries"], "exits": summary["exits"],
                               "ts": summary["last_ts"]}

    def advance(self, conn: sa.Connection) -> bool:
        """Applies new samples; True when there were any."""
        rows = stats_repo.samples_after(conn, self.run_id, self.last_sample_id)
        for row in rows:
            zone = self.zones.setdefault(row["zone_key"], {
                "zone_key": row["zone_key"], "zone_id": row["zone_id"], "occupancy": 0,
                "entries": 0, "exits": 0, "ts": None})
            zone["entries"] += row["entries"]
            zone["exits"] += row["exits"]
            if zone["ts"] is None or row["ts"] >= zone["ts"]:
                zone["occupancy"] = row["occupancy"]
                zone["ts"] = row["ts"]
            zone["zone_id"] = zone["zone_id"] or row["zone_id"]
        if rows:
            self.last_sample_id = rows[-1]["id"]
        return bool(rows)

    def payload(self) -> dict:
        return {"run_id": self.run_id,
                "zones": [{**zone, "ts": iso_utc(zone["ts"])}
                          for zone in sorted(self.zones.values(), key=lambda z: z["zone_key"])]}


def sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"
