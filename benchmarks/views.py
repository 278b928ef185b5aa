"""Reference views for the benchmarks: the floor of what a request costs in this stack.

They go through the same gunicorn, WSGI handler and middleware as every page,
so the application's pages can be compared with them.
"""

from django import forms
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.views.decorators.csrf import csrf_exempt

TABLE = "benchmark_insert"  # created by benchmarks/setup_event.py
FORM_TABLE = "benchmark_form"  # likewise: what the form floor saves, counted apart from the bare INSERTs
FORM_DONE_URL = "/bench/constant/"  # where the form floor redirects: a fixed address, never followed


def constant(request):
    """No database, no template: the framework's own cost per request."""
    return HttpResponse(b"ok\n", content_type="text/plain")


@csrf_exempt
def bare_insert(request):
    """One INSERT through a raw cursor (autocommit): the cheapest request that writes."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (value) VALUES (%s)", [request.method])
    return HttpResponse(b"inserted\n", content_type="text/plain")


# Literal choices with the registration's values (benchmarks/registration_form.py): the floor must not follow
# the models, which the registration's own changes may touch.
GENDERS = [("woman", "Woman"), ("man", "Man"), ("not_said", "Prefer not to say")]
AGE_BANDS = [(value, value) for value in ("under_18", "18_29", "30_44", "45_59", "60_plus", "not_said")]
CHANNELS = [(value, value) for value in ("whatsapp", "sms", "telegram", "call", "email")]
LANGUAGES = [(value, value) for value in ("ky", "ru", "en", "uz")]
VISIBILITIES = [(value, value) for value in ("listed", "organisers_only", "counted_only")]


class FloorForm(forms.Form):
    """25 fields of the kinds the registration form has, with nothing that reads the database to validate:
    category and district are plain text here, where the real form looks them up."""

    full_name = forms.CharField(max_length=200)
    badge_name = forms.CharField(max_length=100, required=False)
    gender = forms.ChoiceField(choices=GENDERS, required=False)
    age_band = forms.ChoiceField(choices=AGE_BANDS, required=False)
    category = forms.CharField(max_length=20)
    organisation = forms.CharField(max_length=200, required=False)
    position = forms.CharField(max_length=200, required=False)
    district = forms.CharField(max_length=20, required=False)
    village = forms.CharField(max_length=100, required=False)
    phone = forms.CharField(max_length=20, required=False)
    email = forms.EmailField(required=False)
    preferred_channel = forms.ChoiceField(choices=CHANNELS)
    preferred_language = forms.ChoiceField(choices=LANGUAGES)
    interpretation_language = forms.ChoiceField(choices=[("", "---"), *LANGUAGES], required=False)
    accessibility_needs = forms.CharField(max_length=1000, required=False, widget=forms.Textarea)
    dietary_needs = forms.CharField(max_length=300, required=False)
    childcare_needed = forms.BooleanField(required=False)
    children_ages = forms.CharField(max_length=100, required=False)
    travel_support_needed = forms.BooleanField(required=False)
    departure_place = forms.CharField(max_length=200, required=False)
    accommodation_nights = forms.IntegerField(min_value=0, max_value=30)
    visibility = forms.ChoiceField(choices=VISIBILITIES)
    consent_data_processing = forms.BooleanField()
    consent_photography = forms.BooleanField(required=False)
    submission_key = forms.CharField(max_length=36, widget=forms.HiddenInput)


def form_floor(request):
    """The floor of a form request: CSRF checked, 25 fields validated, ONE INSERT in a transaction, a redirect.

    GET answers just the CSRF token (cookie and hidden input), which the client needs once before it posts.
    """
    if request.method != "POST":
        token = get_token(request)
        return HttpResponse(f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">\n')
    form = FloorForm(request.POST)
    if not form.is_valid():
        return HttpResponse(form.errors.as_json(), status=400, content_type="application/json")
    data = form.cleaned_data
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FORM_TABLE} (submission_key, full_name, email, phone) VALUES (%s, %s, %s, %s)",
            [data["submission_key"], data["full_name"], data["email"], data["phone"]],
        )
    return HttpResponseRedirect(FORM_DONE_URL)
