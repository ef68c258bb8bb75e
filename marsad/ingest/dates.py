"""Publication dates as sources write them: ISO 8601, RFC 822 (RSS), and a few common forms."""
from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from marsad.text.normalize import digits_to_ascii

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
_YMD_SLASH = re.compile(r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})\b")


def parse_published(value) -> str | None:
    """Normalise a publication date to ISO 'YYYY-MM-DD' (or None if it cannot be read).

    The date as the source wrote it is what matters for resolving relative expressions, so a
    time zone is not converted: 'Sun, 18 Feb 2018 21:35:43 +0400' is 2018-02-18.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):  # epoch seconds
        try:
            return datetime.utcfromtimestamp(float(value)).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    s = digits_to_ascii(str(value)).strip()
    for rx, order in ((_ISO, "ymd"), (_YMD_SLASH, "ymd"), (_DMY, "dmy")):
        m = rx.match(s)
        if m:
            y, mo, d = (int(m.group(1)), int(m.group(2)), int(m.group(3))) if order == "ymd" else \
                (int(m.group(3)), int(m.group(2)), int(m.group(1)))
            try:
                return date(y, mo, d).isoformat()
            except ValueError:
                return None
    try:
        return parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None
