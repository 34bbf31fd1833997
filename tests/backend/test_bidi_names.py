"""A zone or camera name with bidi formatting characters (a right-to-left override, U+202E)
turned around the rest of the sentences the server writes around it: the webhook's chat
text, the Webhooks page's place and the error messages the page shows. The server fences
such a name in as the page does (frontend/js/ui/words.js isolated)."""
from __future__ import annotations

import pytest

from backend.protocol import isolated
from backend.services.webhooks import alert_text

EMBEDDINGS, ISOLATES = set("\u202a\u202b\u202d\u202e"), set("\u2066\u2067\u2068")


def open_after(text: str) -> int:
    """How many embeddings, overrides and isolates are still open after the text (the
    directional status stack of UAX #9, X1-X8, without its depth limit)."""
    stack: list[bool] = []   # True: an isolate
    for char in text:
        if char in EMBEDDINGS:
            stack.append(False)
        elif char in ISOLATES:
            stack.append(True)
        elif char == "\u2069":
            if True in stack:
                while not stack.pop():
                    pass
        elif char == "\u202c" and stack and not stack[-1]:
            stack.pop()
    return len(stack)


NAMES = ["Till \u202eevil", "\u202e", "a\u2067b", "x\u2069\u202eevil", "\u2069\u2069\u202e",
         "\u2067a\u2069\u2069\u202eb", "\u202b\u202d", "ok\u200f"]


@pytest.mark.parametrize("name", NAMES)
def test_no_name_reaches_past_its_sentence(name):
    assert open_after(f"Saved “{isolated(name)}”") == 0
    assert open_after(alert_text("alert_start", name, 4, 3, "2026-03-01T10:00:02.000Z")) == 0


def test_plain_names_are_left_alone():
    assert isolated("Checkout queue") == "Checkout queue"
    assert isolated("קופה 2") == "קופה 2"
    assert isolated("Till \u202eevil") == "\u2068Till \u202eevil\u2069"
    assert alert_text("alert_start", "Till", 1, None, "2026-03-01T10:00:02.000Z") == (
        "Till: 1 person now. Alert started 2026-03-01 10:00:02 UTC.")


def test_the_webhooks_pages_texts_fence_a_name_in(alice):
    zone = alice.create_zone(name="Door\u2069\u202e", kind="line",
                             geometry={"points": [[10, 10], [200, 200]]})
    answer = alice.put(f"/api/zones/{zone['id']}/webhook",
                       json={"url": "https://hooks.example.com/x"})
    assert answer.status_code == 409
    assert open_after(answer.get_json()["message"]) == 0
    assert answer.get_json()["message"].startswith("“\u2068Door\u202e\u2069” is a line")
