import base64
import json
import urllib.error
import urllib.request

from django.conf import settings

from .base import BaseSmsBackend, GatewayUnavailable, NumberRefused

# Answers that say "not now" rather than "not this message" (with every 5xx): a wrong password (the organisers'
# to correct), a timeout, too many requests.
UNAVAILABLE_STATUSES = {401, 403, 408, 429}


def basic_auth(username, password):
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def post_json(url, payload, *, authorization="", timeout=None):
    """POST `payload` as JSON; returns the answer's JSON (or {}), raising NumberRefused or GatewayUnavailable.

    Answers 401 and 403 count as "unavailable": a wrong password is the
    organisers' to correct, after which the messages go out on their next try.
    """
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    if authorization:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=timeout or settings.SMS_TIMEOUT) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        answer = f"{error.code} {error.read().decode(errors='replace')[:1000]}"
        if error.code in UNAVAILABLE_STATUSES or error.code >= 500:
            raise GatewayUnavailable(answer) from error
        raise NumberRefused(answer) from error
    except (urllib.error.URLError, OSError) as error:
        raise GatewayUnavailable(f"{type(error).__name__}: {error}") from error
    try:
        return json.loads(body) if body.strip() else {}
    except ValueError:
        return {}


class SmsBackend(BaseSmsBackend):
    """A gateway that takes one JSON object per SMS: its URL, authorisation and field names come from settings.

    SMS_HTTP_URL, SMS_HTTP_AUTHORIZATION (the whole Authorization header, e.g.
    "Bearer …"), SMS_HTTP_TO_FIELD, SMS_HTTP_TEXT_FIELD and SMS_HTTP_ID_FIELD
    (the field of the answer that holds the gateway's id of the message).
    """

    def send_message(self, phone, text):
        answer = post_json(
            settings.SMS_HTTP_URL,
            {settings.SMS_HTTP_TO_FIELD: phone, settings.SMS_HTTP_TEXT_FIELD: text},
            authorization=settings.SMS_HTTP_AUTHORIZATION,
        )
        return str(answer.get(settings.SMS_HTTP_ID_FIELD, "")) if isinstance(answer, dict) else ""
