"""The open-source "SMS Gateway for Android" (capcom6/android-sms-gateway): a phone with a local SIM.

The country office runs the app on its own phone, in its local mode (the
phone's own address, e.g. http://192.168.1.10:8080/message) or through its
cloud or private server (https://api.sms-gate.app/3rdparty/v1/messages).
API as documented at https://docs.sms-gate.app/features/sending-messages/ and
https://docs.sms-gate.app/features/webhooks/ (the reports, see messaging/views.py).
"""

from django.conf import settings

from .base import BaseSmsBackend
from .http import basic_auth, post_json


class SmsBackend(BaseSmsBackend):
    """POST {"textMessage": {"text"}, "phoneNumbers": [...]} with basic auth; the answer (202) carries the id."""

    def send_message(self, phone, text):
        answer = post_json(
            settings.SMS_ANDROID_URL,
            {"textMessage": {"text": text}, "phoneNumbers": [phone], "withDeliveryReport": True},
            authorization=basic_auth(settings.SMS_ANDROID_USERNAME, settings.SMS_ANDROID_PASSWORD),
        )
        return str(answer.get("id", "")) if isinstance(answer, dict) else ""
