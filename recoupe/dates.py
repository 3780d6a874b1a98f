"""Dates: publication dates normalised to ISO, relative dates in the text resolved against them."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any

__all__ = ["normalise_date", "resolve_relative_date"]

MONTHS_FR = {
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9, "sept": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12, "déc": 12, "dec": 12,
}
WEEKDAYS_FR = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
_MIN_YEAR, _MAX_YEAR = 1900, 2100

_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?"
    r"(?:[T\s]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_ISO_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T\d{4,6}Z?)?$")
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_MONTH_NAMES = "|".join(sorted(MONTHS_FR, key=len, reverse=True))
_FRENCH_DAY = re.compile(
    rf"^(?:(?:{'|'.join(WEEKDAYS_FR)})\s+)?(1er|\d{{1,2}})\s+({_MONTH_NAMES})\.?\s+(\d{{4}})\b", re.I
)
_FRENCH_MONTH = re.compile(rf"^({_MONTH_NAMES})\.?\s+(\d{{4}})$", re.I)
_WEEKDAY_EXPR = re.compile(
    rf"^(?:le\s+|ce\s+)?({'|'.join(WEEKDAYS_FR)})(?:\s+(dernier|passé|prochain|qui vient))?"
    r"(?:\s+(?:matin|soir|midi|après-midi|apres-midi|en fin de (?:matinée|journée)|dans la (?:matinée|soirée)))?$"
)
_SAME_DAY = re.compile(
    r"^(?:aujourd'hui|ce matin|ce midi|cet après-midi|cet apres-midi|ce soir|cette nuit|dans la journée)$"
)
_TIME_OF_DAY = re.compile(r"\s+(?:matin|soir|midi|après-midi|apres-midi|dans la (?:matinée|soirée|nuit))$")


def _valid(year: int, month: int, day: int | None = None) -> str | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR or not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _date_parser() -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["fr", "en"], settings={"PREFER_DAY_OF_MONTH": "first"})


def normalise_date(value: str | date | None) -> str | None:
    """A publication date as `YYYY-MM-DD` (or `YYYY-MM` when only the month is known), else None.

    Takes what readers give: ISO dates with or without a time, RFC 822 dates from feeds,
    French dates ("12 mars 2025", "1er avril 2025", "mars 2025"), "12/03/2025". A time zone
    never moves the date: it is the day as the outlet wrote it.
    """
    if value is None:
        return None
    if isinstance(value, datetime | date):
        d = value.date() if isinstance(value, datetime) else value
        return _valid(d.year, d.month, d.day)
    s = " ".join(str(value).split()).strip().rstrip(".")
    if not s or len(s) > 100:
        return None
    m = _ISO.match(s)
    if m:
        return _valid(int(m[1]), int(m[2]), int(m[3]) if m[3] else None)
    m = _ISO_COMPACT.match(s)
    if m:
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    m = _SLASHED.match(s)
    if m:
        return _valid(int(m[3]), int(m[2]), int(m[1]))
    m = _FRENCH_DAY.match(s)
    if m:
        day = 1 if m[1].lower() == "1er" else int(m[1])
        return _valid(int(m[3]), MONTHS_FR[m[2].lower()], day)
    m = _FRENCH_MONTH.match(s)
    if m:
        return _valid(int(m[2]), MONTHS_FR[m[1].lower()])
    if re.search(r"\b\d{1,2}\s+\w{3}\w*\s+\d{4}\b", s):
        try:
            d = parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
        else:
            return _valid(d.year, d.month, d.day)
    if not re.search(r"\b\d{4}\b", s):
        return None  # without a year, dateparser would invent one
    try:
        data = _date_parser().get_date_data(s)
    except Exception:  # dateparser raises assorted errors on odd strings; an unknown date is None
        return None
    return _iso_of(data, ("day", "time"))


def _published_day(published: str | date | datetime) -> date | None:
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    iso = normalise_date(published)
    if iso is None or len(iso) != 10:
        return None
    return date.fromisoformat(iso)


def resolve_relative_date(expression: str, published: str | date | datetime | None) -> str | None:
    """The date a relative expression of the text ("jeudi", "mardi dernier", "hier", "il y a trois jours")
    points to, as `YYYY-MM-DD` (or `YYYY-MM`), resolved against the article's publication day.

    A bare weekday is the latest such day on or before publication (news reports the past);
    "dernier" is strictly before, "prochain" strictly after. None when it cannot be resolved.
    """
    if published is None:
        return None
    base = _published_day(published)
    if base is None:
        return None
    expr = " ".join(expression.lower().replace("’", "'").split()).strip(" ,.;:")
    expr = re.sub(r"^(?:depuis|dès|des|avant|après|jusqu'à)\s+", "", expr)
    if not expr or not re.search(r"[a-zé]", expr):
        return None
    if _SAME_DAY.match(expr):
        return base.isoformat()
    m = _WEEKDAY_EXPR.match(expr)
    if m:
        target = WEEKDAYS_FR[m[1]]
        back = (base.weekday() - target) % 7
        if m[2] in ("prochain", "qui vient"):
            return (base + timedelta(days=(target - base.weekday()) % 7 or 7)).isoformat()
        if m[2] in ("dernier", "passé") and back == 0:
            back = 7
        return (base - timedelta(days=back)).isoformat()
    expr = _TIME_OF_DAY.sub("", expr)
    absolute = normalise_date(expr)
    if absolute is not None:
        return absolute
    from dateparser.date import DateDataParser

    parser = DateDataParser(
        languages=["fr"],
        settings={
            "RELATIVE_BASE": datetime(base.year, base.month, base.day, 12),
            "PREFER_DATES_FROM": "past",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    try:
        data = parser.get_date_data(expr)
    except Exception:  # dateparser raises assorted errors on odd strings; unresolved is None
        return None
    return _iso_of(data, ("day", "time", "week"))


def _iso_of(data: Any, day_periods: tuple[str, ...]) -> str | None:
    """YYYY-MM or YYYY-MM-DD of a dateparser result, by the precision it found; None when it found none."""
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj
    if data.period == "month":
        return _valid(d.year, d.month)
    if data.period in day_periods:
        return _valid(d.year, d.month, d.day)
    return None
