"""Validation of account and profile input: pure functions that take plain values and return
the cleaned value or a list of messages meant for people. No Flask, no database."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

USERNAME_MIN, USERNAME_MAX = 3, 32
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]+")
EMAIL_MAX = 254
EMAIL_PATTERN = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@"
    r"(?=.{1,253}\Z)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
PASSWORD_MIN, PASSWORD_MAX = 10, 128
PLACE_MAX = 120
GENDER_DESCRIPTION_MAX = 32
EARLIEST_BIRTH_YEAR = 1900
MAX_AGE = 130

GENDER_CHOICES = (
    ("female", "Female"),
    ("male", "Male"),
    ("non_binary", "Non-binary"),
    ("prefer_not_to_say", "Prefer not to say"),
    ("self_described", "Let me describe it"),
)
GENDER_KEYS = frozenset(key for key, _label in GENDER_CHOICES if key != "self_described")

# Very common passwords of 10 or more characters (shorter ones fail the length rule anyway),
# compared ignoring case. A short list on purpose: it catches the obvious, not everything.
COMMON_PASSWORDS = frozenset("""
1234567890 0123456789 0987654321 1111111111 0000000000 1234512345 1122334455 1q2w3e4r5t
1qaz2wsx3edc 123qweasdzxc zaq12wsxcde3 qwertyuiop qwertyuiop123 qwerty1234 qwerty12345
qwerty123456 asdfghjkl1 asdfghjkl123 zxcvbnm123 password12 password123 password1234
password1! password123! passw0rd12 p@ssw0rd123 p@ssword123 iloveyou12 iloveyou123
letmein123 letmein1234 welcome123 welcome1234 changeme123 administrator admin12345
admin123456 football123 baseball123 sunshine123 princess123 superman123 batman12345
trustno1234 monkey12345 dragon12345 master12345 starwars123 michael123 jennifer123
abc1234567 abcd123456 abcdefghij a1b2c3d4e5 123456789a 123456789q computer123
internet123 whatever123 correcthorsebatterystaple peoplecounter mypassword1 mypassword123
secret12345 testtest123
""".split())


@dataclass
class Problems:
    """Messages per field, in the order found ({"field": ["message", ...]})."""

    fields: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def extend(self, name: str, messages: list[str]) -> None:
        for message in messages:
            self.add(name, message)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def first(self) -> dict[str, str]:
        """One message per field, for forms that show a single line under each field."""
        return {name: messages[0] for name, messages in self.fields.items()}


# ---------- any text ----------

def has_lone_surrogate(text: str) -> bool:
    """True for text UTF-8 cannot encode (and so no database can store): lone surrogates."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def text_problem(text: str) -> str | None:
    """Why a string cannot be stored as text (lone surrogates, NUL characters), or None.
    The one rule for every free-text field (zone names, token names, profile fields...)."""
    if has_lone_surrogate(text):
        return "Not valid text (lone surrogate characters)."
    if "\x00" in text:
        return "Must not contain NUL characters."
    return None


def has_visible_character(text: str) -> bool:
    """Whether the text shows anything: a name of zero-width spaces, bidi marks or other
    format and space characters only was saved and showed as nothing at all."""
    return any(not unicodedata.category(char).startswith(("C", "Z")) for char in text)


# ---------- accounts ----------

def username_problems(username: str) -> list[str]:
    if not username:
        return ["Choose a username."]
    if not USERNAME_MIN <= len(username) <= USERNAME_MAX:
        return [f"A username has {USERNAME_MIN} to {USERNAME_MAX} characters "
                f"(this one has {len(username)})."]
    if not USERNAME_PATTERN.fullmatch(username):
        return ["A username may only contain letters A-Z, digits and . _ -"]
    return []


def normalise_email(raw: str) -> str:
    """Trims spaces and lower-cases the domain (the part people often type capitalised)."""
    raw = raw.strip()
    local, at, domain = raw.rpartition("@")
    return f"{local}@{domain.lower()}" if at else raw


def email_problems(email: str) -> list[str]:
    if not email:
        return ["Enter your email address."]
    if len(email) > EMAIL_MAX:
        return [f"An email address has at most {EMAIL_MAX} characters."]
    if not EMAIL_PATTERN.fullmatch(email) or ".." in email:
        return ["Enter an email address like name@example.com."]
    return []


def password_problems(password: str, username: str = "", email: str = "") -> list[str]:
    """Every rule the password breaks, each as a sentence that says how to fix it."""
    if not password:
        return ["Choose a password."]
    problems = []
    if len(password) < PASSWORD_MIN:
        problems.append(f"Use at least {PASSWORD_MIN} characters "
                        f"(this one has {len(password)}).")
    if len(password) > PASSWORD_MAX:
        problems.append(f"Use at most {PASSWORD_MAX} characters.")
    if len(_character_classes(password)) < 2:
        problems.append("Mix at least two kinds of characters: lower-case letters, "
                        "upper-case letters, digits, spaces or symbols.")
    lowered = password.lower()
    personal = [username.lower()] if len(username) >= 3 else []
    local_part = email.split("@")[0].lower() if email else ""
    if len(local_part) >= 3:
        personal.append(local_part)
    if any(word in lowered for word in personal):
        problems.append("Do not use your username or email address in the password.")
    if lowered in COMMON_PASSWORDS or lowered.replace(" ", "") in COMMON_PASSWORDS:
        problems.append("This password is one of the most common ones; choose another.")
    return problems


def _character_classes(password: str) -> set[str]:
    classes = set()
    for character in password:
        if character.islower():
            classes.add("lower")
        elif character.isupper():
            classes.add("upper")
        elif character.isdigit():
            classes.add("digit")
        else:
            classes.add("other")
    return classes


# ---------- profile ----------

def parse_date_of_birth(raw: str | None, today: date) -> tuple[date | None, list[str]]:
    """'YYYY-MM-DD' or empty (no date) -> (date or None, problems)."""
    if raw is None or str(raw).strip() == "":
        return None, []
    try:
        born = date.fromisoformat(str(raw).strip())
    except ValueError:
        return None, ["Enter the date as YYYY-MM-DD, for example 1990-04-23."]
    if born > today:
        return None, ["The date of birth cannot be in the future."]
    if born.year < EARLIEST_BIRTH_YEAR:
        return None, [f"The date of birth cannot be before {EARLIEST_BIRTH_YEAR}."]
    if age_on(born, today) >= MAX_AGE:
        return None, [f"That would make you {age_on(born, today)}; check the year."]
    return born, []


def age_on(born: date, today: date) -> int:
    """Whole years completed on `today` (a 29 February birthday counts on 1 March)."""
    had_birthday = (today.month, today.day) >= (born.month, born.day)
    return today.year - born.year - (0 if had_birthday else 1)


def clean_place(raw: str | None) -> tuple[str | None, list[str]]:
    place = " ".join(str(raw or "").split())
    if not place:
        return None, []
    if len(place) > PLACE_MAX:
        return None, [f"A place has at most {PLACE_MAX} characters (this one has {len(place)})."]
    return place, []


def clean_gender(choice: str | None, description: str | None) -> tuple[str | None, list[str]]:
    """The value stored: a choice key, the self-described text, or None when left empty."""
    choice = (choice or "").strip()
    if not choice:
        return None, []
    if choice in GENDER_KEYS:
        return choice, []
    if choice != "self_described":
        keys = ", ".join(key for key, _label in GENDER_CHOICES)
        return None, [f"Choose one of: {keys}."]
    text = " ".join(str(description or "").split())
    if not text:
        return None, ["Describe your gender in a few words, or choose another option."]
    if len(text) > GENDER_DESCRIPTION_MAX:
        return None, [f"Use at most {GENDER_DESCRIPTION_MAX} characters "
                      f"(this has {len(text)})."]
    return text, []


def split_gender(stored: str | None) -> tuple[str | None, str | None]:
    """The stored value back as (choice key, self-described text)."""
    if not stored:
        return None, None
    if stored in GENDER_KEYS:
        return stored, None
    return "self_described", stored


def clean_timezone(raw: str | None) -> tuple[str | None, list[str]]:
    name = (raw or "").strip()
    if not name:
        return None, ["Choose a time zone, for example Europe/Berlin or UTC."]
    if name not in _known_zones():
        return None, [f"{name!r} is not a known IANA time zone (for example Europe/Berlin)."]
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None, [f"{name!r} is not a known IANA time zone (for example Europe/Berlin)."]
    return name, []


@functools.cache
def _known_zones() -> frozenset[str]:
    """Read once from the tz database (an immutable set; takes a few milliseconds).
    'localtime' is left out: it names the server's own zone, is no IANA name, and browsers
    refuse it (Intl.DateTimeFormat throws), so every page that shows times would break."""
    return (frozenset(available_timezones()) - {"localtime"}) | {"UTC"}


def timezone_names() -> list[str]:
    """Every IANA zone name with a region (Europe/Berlin ...), and UTC, sorted."""
    names = {name for name in _known_zones() if "/" in name
             and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))}
    return ["UTC", *sorted(names)]
