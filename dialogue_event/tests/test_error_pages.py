"""Our own error pages: in the visitor's language, and a 503 with Retry-After whenever the database cannot answer.

The language comes from the address's prefix, else from the language cookie, else it is Russian. Tests without a
database mark also prove the page reads no database: pytest-django refuses any query, which would turn the page
into a server error.
"""

import socket

import psycopg2
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.utils import translation

from dialogue_event.database_errors import RETRY_AFTER_SECONDS

LANGUAGES = ["ky", "ru", "en"]

HEADINGS = {
    400: "This request could not be read",
    403: "This page is not open to you",
    404: "Page not found",
    500: "Something went wrong on our side",
    503: "The site is busy for a moment",
    "csrf": "Please send the form again",
}


def assert_error_page(response, status, language, heading=None):
    assert response.status_code == status
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    with translation.override(language):
        assert f'<h1 class="h3">{translation.gettext(HEADINGS[heading or status])}</h1>' in page
    assert response["Content-Language"] == language


def unprefixed(status):
    """An address without a language that fails with this status."""
    # A failing address that exists with a prefix would be redirected there by LocaleMiddleware.
    return "/no-such-page/" if status == 404 else f"/fail/{status}/"


def visitor(language=None):
    """A browser that does not raise the server's exceptions, and has chosen a language (the cookie) or not."""
    client = Client(raise_request_exception=False)
    if language:
        client.cookies["django_language"] = language
    return client


def closed_port():
    """A loopback port nothing listens on: connecting is refused at once, as while PostgreSQL restarts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


@pytest.fixture
def database_unreachable(transactional_db):
    """Django's connection points at a closed port until the test ends."""
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = closed_port()
    yield
    connection.close()
    connection.settings_dict["PORT"] = real_port


@pytest.fixture
def lock_holder(transactional_db):
    """Another PostgreSQL session, holding locks until the test ends."""
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"],
        host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
    )  # fmt: skip
    yield other.cursor()
    other.close()
    connection.close()  # forgets the timeouts the test set on Django's connection


# Every page, in every language


@pytest.mark.urls("dialogue_event.tests.failing_urls")
@pytest.mark.parametrize("status", [400, 403, 404, 500])
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_error_page_speaks_the_language_of_the_address(status, language):
    # The cookie names another language: the address wins.
    other = "en" if language != "en" else "ky"

    response = visitor(other).get(f"/{language}/fail/{status}/")

    assert_error_page(response, status, language)


@pytest.mark.urls("dialogue_event.tests.failing_urls")
@pytest.mark.parametrize("status", [400, 403, 404, 500])
@pytest.mark.parametrize("language", LANGUAGES)
def test_without_a_language_in_the_address_the_page_speaks_the_chosen_language(status, language):
    response = visitor(language).get(unprefixed(status))

    assert_error_page(response, status, language)


@pytest.mark.urls("dialogue_event.tests.failing_urls")
@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_a_visitor_who_chose_no_language_reads_russian(status):
    # Not the browser's language, nor the site's default (English): Russian is what every participant reads.
    response = visitor().get(unprefixed(status), HTTP_ACCEPT_LANGUAGE="en")

    assert_error_page(response, status, "ru")


@pytest.mark.urls("dialogue_event.tests.failing_urls")
def test_a_language_cookie_the_site_does_not_have_falls_back_to_russian():
    response = visitor("de").get("/no-such-page/")

    assert_error_page(response, 404, "ru")


# The errors people actually meet


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_event_that_does_not_exist_is_our_404(language):
    response = visitor().get(f"/{language}/events/no-such-dialogue/")

    assert_error_page(response, 404, language)
    # The page offers the way back, in the same language.
    assert f'href="/{language}/"' in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_request_for_another_host_is_our_400(language):
    response = visitor().get(f"/{language}/", HTTP_HOST="attacker.example")

    assert_error_page(response, 400, language)


@pytest.mark.django_db
@pytest.mark.parametrize("language", [None, *LANGUAGES])
def test_staff_without_a_role_opening_the_participants_get_our_403(django_user_model, language):
    staff = django_user_model.objects.create_user("volunteer", is_staff=True)
    client = visitor(language)
    client.force_login(staff)

    response = client.get("/admin/participants/participant/")

    assert_error_page(response, 403, language or "ru")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_sent_without_its_csrf_cookie_asks_to_send_it_again(language):
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/{language}/events/osh-dialogue/register/", {"full_name": "Айгүл"})

    assert_error_page(response, 403, language, heading="csrf")


# The database cannot answer


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unreachable_database_answers_503_in_the_language_of_the_address(database_unreachable, language):
    response = visitor().get(f"/{language}/")

    assert_error_page(response, 503, language)
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)


@pytest.mark.parametrize("language", [None, *LANGUAGES])
def test_an_organiser_opening_the_admin_while_the_database_is_down_gets_503(database_unreachable, language):
    client = visitor(language)
    client.cookies["sessionid"] = "a" * 32  # a signed-in organiser's session, which is read from the database

    response = client.get("/admin/")

    assert_error_page(response, 503, language or "ru")
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)


@pytest.mark.urls("dialogue_event.tests.failing_urls")
def test_a_server_error_page_still_renders_while_the_database_is_down(database_unreachable):
    response = visitor().get("/ky/fail/500/")

    assert_error_page(response, 500, "ky")


@pytest.mark.parametrize("timeout", ["lock_timeout", "statement_timeout"])
def test_a_page_waiting_on_a_lock_past_the_timeout_answers_503(lock_holder, timeout):
    with connection.cursor() as cursor:
        cursor.execute(f"SET {timeout} = '200ms'")
    lock_holder.execute("LOCK TABLE agenda_event IN ACCESS EXCLUSIVE MODE")

    response = visitor().get("/ky/")

    assert_error_page(response, 503, "ky")
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)


@pytest.mark.urls("dialogue_event.tests.failing_urls")
def test_a_session_that_cannot_be_saved_after_the_view_answers_503(lock_holder):
    session = SessionStore()
    session["visits"] = 1
    session.create()
    client = visitor("ky")
    client.cookies["sessionid"] = session.session_key
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    # Reading the session still works; writing it, after the view, waits for this lock.
    lock_holder.execute("LOCK TABLE django_session IN SHARE MODE")

    response = client.get("/remember/")

    assert_error_page(response, 503, "ky")
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)


# On a phone


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_404_and_503_pages_read_in_kyrgyz_on_a_phone(live_server, phone, tmp_path):
    phone.goto(live_server.url + "/ky/events/no-such-dialogue/")
    assert_reads_on_a_phone(phone, 404)
    phone.screenshot(path=tmp_path / "404-ky-phone.png", full_page=True)

    # The live server opens a connection per request: from now on each is refused.
    real_port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = closed_port()
    try:
        answer = phone.goto(live_server.url + "/ky/")
    finally:
        connection.settings_dict["PORT"] = real_port
    assert answer.status == 503
    assert_reads_on_a_phone(phone, 503)
    phone.screenshot(path=tmp_path / "503-ky-phone.png", full_page=True)

    # The way back works once the database is back.
    phone.get_by_role("link", name=heading_of("See the events", "ky")).click()
    phone.wait_for_url(live_server.url + "/ky/")
    assert phone.locator("h1").count() == 1


def heading_of(text, language):
    with translation.override(language):
        return translation.gettext(text)


def assert_reads_on_a_phone(page, status):
    assert page.locator("html").get_attribute("lang") == "ky"
    assert page.locator("h1").inner_text() == heading_of(HEADINGS[status], "ky")
    # Bootstrap and the site's styles load (the page is not bare HTML), and nothing is wider than the screen.
    assert page.locator("header.navbar").evaluate("element => getComputedStyle(element).display") == "flex"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
