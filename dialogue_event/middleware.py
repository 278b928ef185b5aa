"""WSGI middleware: what must be answered before Django builds a request at all."""

from django.utils.http import parse_header_parameters
from django.utils.translation import get_language_from_path, gettext, override


def is_readable_charset(charset):
    """Whether text can be decoded from this charset, as Django decodes a form's values and the query string."""
    try:
        # Not an empty string: decoding nothing would not even look the codec up.
        str(b"a", charset, "replace")
    except (LookupError, UnicodeError):
        return False
    return True


class RefuseUnreadableCharset:
    """A request whose Content-Type names a charset Python cannot read text from gets 400, not a server error.

    A name that is no text encoding at all ("rot13", "hex") or refuses to
    replace what it cannot read ("idna") makes Django raise while it decodes
    the form or, with a query string, while it builds the request, before any
    Django middleware runs; an unknown name would be silently read as UTF-8.
    So the check wraps the WSGI application itself.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        _content_type, params = parse_header_parameters(environ.get("CONTENT_TYPE", ""))
        charset = params.get("charset")
        if charset is None or is_readable_charset(charset):
            return self.application(environ, start_response)
        # The language of the address, as the pages have it; Russian, the language most visitors read, otherwise.
        with override(get_language_from_path(environ.get("PATH_INFO", "")) or "ru"):
            body = gettext("The form was sent in a character set this site does not know.").encode()
        start_response(
            "400 Bad Request", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
        )
        return [body]
