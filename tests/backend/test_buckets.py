"""backend/services/buckets.py: bucket starts in local time, correct across daylight-saving
changes (23- and 25-hour days, the repeated hour as two buckets) and half-hour offsets."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from backend.services.buckets import local_bucket_starts


def utc_series(*texts: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(texts), utc=True))


BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("instants, bucket, expected", [
    # Spring forward (2026-03-29 02:00 CET -> 03:00 CEST): 01:30 CET and 03:30 CEST.
    (["2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"], "1h",
     ["2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z"]),
    # Fall back (2026-10-25 03:00 CEST -> 02:00 CET): 02:30 happens twice, two buckets.
    (["2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"], "1h",
     ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z"]),
    # Local days start at local midnight: 23 h and 25 h days.
    (["2026-03-29T00:30:00Z", "2026-03-29T21:59:00Z"], "1d",
     ["2026-03-28T23:00:00Z", "2026-03-28T23:00:00Z"]),
    (["2026-03-29T22:00:00Z"], "1d", ["2026-03-29T22:00:00Z"]),
    (["2026-10-25T22:59:00Z", "2026-10-25T23:00:00Z"], "1d",
     ["2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z"]),
    (["2026-10-25T01:44:00Z"], "15m", ["2026-10-25T01:30:00Z"]),
])
def test_local_buckets_across_dst(instants, bucket, expected):
    starts = local_bucket_starts(utc_series(*instants), bucket, BERLIN)
    assert [s.strftime("%Y-%m-%dT%H:%M:%SZ") for s in starts] == expected


def test_half_hour_offsets_get_local_hours():
    starts = local_bucket_starts(utc_series("2026-01-01T10:10:00Z"), "1h",
                                 ZoneInfo("Asia/Kolkata"))
    assert starts.iloc[0].strftime("%H:%M") == "09:30"  # 15:30 local
