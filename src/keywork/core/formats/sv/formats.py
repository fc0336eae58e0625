"""How dates are written in Swedish on every page: "2026-12-07" and "2026-12-07 14:05",
the numeric form Swedish records use. The same names as ``keywork.core.formats.en``."""

DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
TIME_FORMAT = "H:i"
