"""How dates are written in English, on every page: "7 Dec 2026", "7 Dec 2026, 14:05".

Templates write ``|date`` (a day), ``|date:"DATETIME_FORMAT"`` (a moment),
``|date:"MONTH_DAY_FORMAT"`` and ``|date:"YEAR_MONTH_FORMAT"``, never a pattern of their own."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
TIME_FORMAT = "H:i"
