"""A person registers, logs in, edits the profile (date of birth -> age), creates an API token
and logs out, in Debian's Chromium against the real server. Screenshots go to
test-artifacts/accounts-*.png."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase"


def test_register_login_edit_profile_logout(live_server, page, artifacts):
    base = live_server.url

    # Register: a weak password first shows the message next to the field, values kept.
    page.goto(f"{base}/auth/register")
    page.fill("#username", "dana")
    page.fill("#email", "dana@example.com")
    page.fill("#password", "short")
    page.fill("#confirm", "short")
    page.click("button[type=submit]")
    assert page.locator(".field.has-error .field-error").first.inner_text().startswith(
        "Use at least 10 characters")
    assert page.input_value("#username") == "dana"
    assert page.input_value("#password") == ""
    page.screenshot(path=str(artifacts / "accounts-register-errors.png"), full_page=True)

    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/auth/login?username=dana")
    assert "Your account is ready" in page.locator(".flash-success").inner_text()

    # Log in (the username is filled in already).
    assert page.input_value("#username") == "dana"
    page.fill("#password", PASSWORD)
    page.screenshot(path=str(artifacts / "accounts-login.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "Welcome back, dana." in page.locator(".flashes").inner_text()

    # Profile: date of birth -> age, place, gender, time zone.
    page.goto(f"{base}/profile")
    assert page.locator("[data-testid=profile-email]").inner_text() == "dana@example.com"
    assert page.locator("#gender-description-field").is_hidden()
    # The age is counted in the profile's time zone (Berlin, set below): its year, not UTC's,
    # or the test fails in the last hour of every UTC year.
    born_year = datetime.now(ZoneInfo("Europe/Berlin")).year - 34
    page.fill("#date_of_birth", f"{born_year}-01-01")
    page.fill("#place", "Leipzig, Germany")
    page.select_option("#gender", "self_described")
    assert page.locator("#gender-description-field").is_visible()
    page.fill("#gender_self_described", "genderqueer")
    page.select_option("#timezone", "Europe/Berlin")
    page.click("[data-testid=profile-form] button[type=submit]")
    page.wait_for_url(f"{base}/profile")
    assert "Your profile is saved." in page.locator(".flash-success").inner_text()
    assert page.locator("[data-testid=profile-age]").inner_text() == "34 years"
    assert page.locator("[data-testid=profile-timezone]").inner_text() == "Europe/Berlin"
    assert page.input_value("#gender_self_described") == "genderqueer"
    page.screenshot(path=str(artifacts / "accounts-profile.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: one column
    page.screenshot(path=str(artifacts / "accounts-profile-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    # A bad value is refused with its message, and nothing changes.
    page.evaluate("document.getElementById('place').removeAttribute('maxlength')")
    page.fill("#place", "x" * 121)
    page.click("[data-testid=profile-form] button[type=submit]")
    assert "at most 120 characters" in page.locator(".field.has-error").inner_text()
    page.goto(f"{base}/profile")
    assert "Leipzig, Germany" in page.locator("dl.details").inner_text()

    # An API token: the secret is shown once and works as a Bearer token.
    page.goto(f"{base}/tokens")
    page.fill("#name", "nightly CSV export")
    page.click("[data-testid=token-form] button[type=submit]")
    secret = page.input_value("[data-testid=token-secret]")
    assert secret.startswith("pc_")
    page.screenshot(path=str(artifacts / "accounts-tokens.png"), full_page=True)
    status = page.evaluate(
        """async (secret) => (await fetch('/api/profile', {
             headers: {Authorization: `Bearer ${secret}`}, credentials: 'omit'})).status""",
        secret)
    assert status == 200

    # Log out from the navigation; the profile is closed again.
    page.click("[data-testid=logout]")
    page.wait_for_url(f"{base}/auth/login")
    assert "You are logged out." in page.locator(".flashes").inner_text()
    page.screenshot(path=str(artifacts / "accounts-logged-out.png"), full_page=True)
    page.goto(f"{base}/profile")
    assert page.url.startswith(f"{base}/auth/login?next=/profile")
