"""Whose request this is: the one answer shared by the login lockout and the rate limits.

django-axes reads the client's address through its AXES_IPWARE_* settings,
which say whether a proxy's X-Forwarded-For is trusted and how many proxies
stand in front. The rate limits (RATELIMIT_IP_META_KEY points here) ask
django-axes too, so that one setting decides for both: behind no proxy a
forged header counts for nothing, behind one each person counts on her own.
"""

from axes.helpers import get_client_ip_address


def client_address(request):
    # A request without the header the settings expect (one that reached the
    # server directly, around the proxy) counts by the address it came from.
    return get_client_ip_address(request) or request.META["REMOTE_ADDR"]
