"""Dates as our Russian pages write them: "26 января 2027", without Django's trailing "г.".

Our sentences end after a date ("Регистрация открыта до {date}."), so Django's "26 января
2027 г." read "г.." there. Only what differs from django.conf.locale.ru is here.
"""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, G:i"
YEAR_MONTH_FORMAT = "F Y"
