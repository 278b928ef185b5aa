"""Dates as Kyrgyz writes them: "2027-жылдын 28-январы", never Django's "28 Январь 2027 ж.".

Only what differs from Django's own Kyrgyz formats is here; the rest (input formats,
separators) comes from django.conf.locale.ky. E is the month in its possessive form
("январы", "июну"), which our locale/ky translations give under msgctxt "alt. month".
"""

DATE_FORMAT = "Y-жылдын j-E"
DATETIME_FORMAT = "Y-жылдын j-E, G:i"
YEAR_MONTH_FORMAT = "Y-жылдын E"
MONTH_DAY_FORMAT = "j-E"
