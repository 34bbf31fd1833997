"""One count batch written in one transaction: the batch row, samples, events, and the
alerts its alert_start/alert_end events open and close, and the webhook deliveries those
alerts call for (rows of the outbox, so a crash after the commit loses none)."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ..repositories import alerts as alert_repo
from ..repositories import ingest as ingest_repo
from ..repositories import outbox as outbox_repo
from ..repositories import stats as stats_repo
from ..protocol import ALERT_KINDS, iso_utc, zone_id_from_key
from ..repositories import zones as zone_repo
from .webhooks import Delivery, alert_text, body_of


@dataclass
class BatchOutcome:
    batch_pk: int
    deliveries: list[Delivery] = field(default_factory=list)


def link_zones(conn: sa.Connection, user_id: int, samples: list[dict],
               events: list[dict]) -> dict:
    """The one place zone keys meet zones: a row keyed "zone-<id>" without zone_id gets the
    id when the user owns that zone; a zone_id the user does not own is a field error.
    Returns the field errors ({} when every row is fine); rows are linked only then."""
    rows = samples + events
    owned = zone_repo.owned_ids(conn, user_id, _candidate_zone_ids(rows))
    problems = {**_zone_id_problems(samples, owned, "samples"),
                **_zone_id_problems(events, owned, "events")}
    if not problems:
        _link_saved_zones(rows, owned)
    return problems


def _zone_id_problems(rows: list[dict], owned: set[int], section: str) -> dict:
    """Field errors for zone ids the user does not own: {section: {index: {zone_id: [...]}}}."""
    problems = {}
    for index, row in enumerate(rows):
        if row.get("zone_id") is not None and row["zone_id"] not in owned:
            problems[str(index)] = {"zone_id": ["No such zone."]}
    return {section: problems} if problems else {}


def _link_saved_zones(rows: list[dict], owned: set[int]) -> None:
    for row in rows:
        if row.get("zone_id") is None:
            zone_id = zone_id_from_key(row["zone_key"])
            if zone_id in owned:
                row["zone_id"] = zone_id


def _candidate_zone_ids(rows: list[dict]) -> set[int]:
    ids = {row["zone_id"] for row in rows if row.get("zone_id") is not None}
    ids |= {zone_id_from_key(row["zone_key"]) for row in rows} - {None}
    return ids


def net_change_problems(conn: sa.Connection, run_id: int, samples: list[dict]) -> dict:
    """Field errors for the batch's negative net changes (see negative_change_problems),
    read against the run's stored totals. Call after link_zones: a zone's kind needs its
    id. Batches without a negative change (the hot path) cost no query."""
    keys = keys_with_negative_changes(samples)
    if not keys:
        return {}
    zone_ids = {s["zone_id"] for s in samples
                if s["zone_key"] in keys and s.get("zone_id") is not None}
    kinds = {zone_id: zone["kind"] for zone_id, zone in zone_repo.by_ids(conn, zone_ids).items()}
    return negative_change_problems(samples, kinds, ingest_repo.net_totals(conn, run_id, keys))


def keys_with_negative_changes(samples: list[dict]) -> set[str]:
    return {s["zone_key"] for s in samples if s["entries"] < 0 or s["exits"] < 0}


def negative_change_problems(samples: list[dict], zone_kinds: dict[int, str],
                             stored_totals: dict[str, tuple]) -> dict:
    """Field errors for net changes that cannot be right: a negative change on a polygon
    zone (only lines and bands cancel counts, DESIGN §4), and any change that takes a key's
    running entries or exits (stored + this batch) below zero. {"samples": {index: ...}}."""
    problems: dict[str, dict] = {}
    totals = {key: list(stored_totals.get(key, (0, 0)))
              for key in keys_with_negative_changes(samples)}
    for index, sample in enumerate(samples):
        if sample["zone_key"] not in totals:
            continue
        kind = zone_kinds.get(sample.get("zone_id"))
        running = totals[sample["zone_key"]]
        for position, field_name in enumerate(("entries", "exits")):
            change = sample[field_name]
            running[position] += change
            if change < 0 and kind == "polygon":
                message = "Only lines and bands carry negative changes; a zone's is >= 0."
            elif running[position] < 0:
                message = (f"This would take the {field_name} total of "
                           f"{sample['zone_key']} below zero.")
            else:
                continue
            problems.setdefault(str(index), {})[field_name] = [message]
    return {"samples": problems} if problems else {}


def _webhook(zone: dict | None, event: str, alert_id: int, payload: dict) -> list[Delivery]:
    if not zone or not zone.get("webhook_url") or not zone.get("webhook_secret"):
        return []
    return [Delivery(url=zone["webhook_url"], secret=zone["webhook_secret"], event=event,
                     payload=payload, alert_id=alert_id)]


def _payload(event: str, alert_id: int, run_id: int, row: dict, zone: dict | None,
             time_text: str) -> dict:
    name = zone["name"] if zone else None
    threshold = zone["threshold"] if zone else None
    return {"event": event, "alert_id": alert_id, "run_id": run_id,
            "zone": {"id": row.get("zone_id"), "key": row["zone_key"], "name": name},
            "threshold": threshold, "occupancy": row.get("value"), "time": time_text,
            "text": alert_text(event, name, row.get("value"), threshold, time_text)}


def write_batch(conn: sa.Connection, *, user_id: int, run_id: int, batch_key: str,
                samples: list[dict], events: list[dict],
                has_open_alert: bool = True) -> BatchOutcome:
    """Raises IntegrityError when the batch id was already used (the unique key).
    has_open_alert=False (the run had none when the transaction read it) spares the query
    for open alerts unless this batch opens one."""
    batch_pk = ingest_repo.insert_batch(conn, user_id, run_id, batch_key, samples, events)
    outcome = BatchOutcome(batch_pk)
    alert_events = [e for e in events if e["kind"] in ALERT_KINDS]
    zones = zone_repo.by_ids(conn, {e["zone_id"] for e in alert_events
                                    if e.get("zone_id") is not None})
    drafts = None  # the run's unsaved zones ("draft-3"), read once if an alert needs them
    for event in (e for e in alert_events if e["kind"] == "alert_start"):
        zone = zones.get(event.get("zone_id"))
        if zone is None and drafts is None:
            drafts = stats_repo.run_key_names(conn, [run_id])
        threshold = zone["threshold"] if zone else (drafts.get(event["zone_key"]) or {}).get("threshold")
        alert_id = alert_repo.open_alert(
            conn, user_id=user_id, run_id=run_id, zone_id=event.get("zone_id"),
            zone_key=event["zone_key"], started_at=event["ts"],
            threshold=threshold, occupancy=event.get("value"))
        outcome.deliveries += _webhook(zone, "alert_start", alert_id, _payload(
            "alert_start", alert_id, run_id, event, zone, iso_utc(event["ts"])))
    peaks: dict[str, int] = {}
    for sample in samples:
        peaks[sample["zone_key"]] = max(peaks.get(sample["zone_key"], 0), sample["occupancy"],
                                        sample.get("peak") or 0)
    may_be_open = has_open_alert or any(e["kind"] == "alert_start" for e in alert_events)
    open_keys = alert_repo.open_zone_keys(conn, run_id) if peaks and may_be_open else set()
    if open_keys:
        alert_repo.raise_peaks(conn, run_id,
                               {k: v for k, v in peaks.items() if k in open_keys})
    for event in (e for e in alert_events if e["kind"] == "alert_end"):
        open_alert = alert_repo.latest_open(conn, run_id, event["zone_key"])
        if open_alert is None:
            continue
        candidates = [v for v in (open_alert["peak_occupancy"], event.get("value"))
                      if v is not None]
        alert_repo.close_alert(conn, open_alert["id"], event["ts"],
                               max(candidates) if candidates else None)
        zone = zones.get(event.get("zone_id"))
        outcome.deliveries += _webhook(zone, "alert_end", open_alert["id"], _payload(
            "alert_end", open_alert["id"], run_id, event, zone, iso_utc(event["ts"])))
    _enqueue(conn, run_id, outcome.deliveries)
    return outcome


def _enqueue(conn: sa.Connection, run_id: int, deliveries: list[Delivery]) -> None:
    """The deliveries become outbox rows in the batch's transaction, in event order."""
    for delivery in deliveries:
        outbox_repo.add(conn, alert_id=delivery.alert_id, run_id=run_id,
                        zone_key=delivery.payload["zone"]["key"], event=delivery.event,
                        url=delivery.url, secret=delivery.secret,
                        body=body_of(delivery.payload).decode())
        alert_repo.set_webhook_status(conn, delivery.alert_id, "pending")
