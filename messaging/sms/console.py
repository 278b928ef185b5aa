import sys
import threading
import uuid

from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """For development: writes each SMS to standard output, as Django's console email backend does."""

    _lock = threading.Lock()

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send_message(self, phone, text):
        message_id = uuid.uuid4().hex
        with self._lock:
            self.stream.write(f"SMS {message_id} to {phone}:\n{text}\n{'-' * 40}\n")
            self.stream.flush()
        return message_id
