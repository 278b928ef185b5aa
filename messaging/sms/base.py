class SmsError(Exception):
    """The gateway did not take the SMS; `transient`: worth trying again later."""

    transient = False


class NumberRefused(SmsError):
    """The gateway refused this SMS (a number it will not send to): the same request would be refused again."""


class GatewayUnavailable(SmsError):
    """The gateway could not be reached or is not taking messages now: not this message's fault."""

    transient = True


class BaseSmsBackend:
    """Sends one SMS at a time; `send_message` returns the gateway's id of the message (or "")."""

    def send_message(self, phone, text):
        raise NotImplementedError
