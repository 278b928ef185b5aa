"""Dates as international organisations write them in English: "3 June 2021", "18:00".

Django's "June 3, 2021" and "6 p.m." are American; and "6 p.m." ends in a full
stop, which doubled the one ending "Registration is open until {date}, {time}.".
Only what differs from django.conf.locale.en is here.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "j F Y, G:i"
