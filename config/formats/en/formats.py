# The same shape as Swedish (see config/formats/sv), the month capitalised: "2 Dec 2026".
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
