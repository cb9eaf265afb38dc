# The portal writes a date one way in each language (issue 9): "2 dec 2026", with the time
# "2 dec 2026 14:30". Templates ask for DATE_FORMAT or DATETIME_FORMAT, never a pattern.
DATE_FORMAT = "j b Y"
DATETIME_FORMAT = "j b Y H:i"
TIME_FORMAT = "H:i"
