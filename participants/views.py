import copy
import datetime
import functools
import re
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from agenda.models import Event, RegistrationState
from agenda.services import sessions_for_participant

from . import certificates, door, services
from . import report as participation
from .folding import FOLDS
from .forms import DeclineForm, InvitationAcceptanceForm, PersonalDetailsForm, PublicRegistrationForm, WalkInForm
from .models import Participant, Status

# Which personal links this browser has opened: {event id: access token}.
# Keeping the token (not the participant's id) means a link revoked by an
# organiser also closes the pages already opened with it.
PERSONAL_LINKS_SESSION_KEY = "participant_links"
# What the page after the public form says, carried there in a signed cookie
# rather than in the session: nothing is written to the database once the
# registration has committed, so nothing can fail then and hide from a
# registered person that she is registered.
CONFIRMATION_COOKIE = "registration"
CONFIRMATION_SALT = "participants.registration-confirmation"
CONFIRMATION_MAX_AGE = datetime.timedelta(days=1)
ACCESS_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{10,64}")

# What her page says once she gives a new address, whoever owns it.
NEW_ADDRESS_MESSAGES = {
    "email": gettext_lazy(
        "We have sent a link to %(address)s. Your email address changes once you open that link."
    ),
    "phone": gettext_lazy(
        "The organisers will send a link to %(address)s. Your phone number changes once you open that link."
    ),
}


def personal_page(view):
    """For a view that shows one person's own page: no shared cache, and no browser's history, keeps it."""
    return cache_control(private=True, no_store=True)(view)


class PersonalPageMixin:
    """personal_page for a class-based view, whatever its dispatch answers."""

    @classmethod
    def as_view(cls, **initkwargs):
        return personal_page(super().as_view(**initkwargs))


def _too_many(request, group, rate, key="ip"):
    # Fails open, as the registration's limit does: when Redis is down nothing is counted.
    return is_ratelimited(request, group=group, key=key, rate=rate, increment=True)


def _published_event(slug):
    return get_object_or_404(Event.objects.published(), slug=slug)


def _link_problem(request, problem, status):
    """A friendly page for a link that cannot be used, in the language of the address."""
    return render(request, "participants/link_problem.html", {"problem": problem}, status=status)


def session_participant(request, event):
    """The participant whose personal link this browser opened for the event, or None (other apps' pages use it too)."""
    token = request.session.get(PERSONAL_LINKS_SESSION_KEY, {}).get(str(event.pk))
    if not token:
        return None
    return Participant.objects.filter(event=event, access_token=token).select_related("event", "category").first()


def _link_has_expired(event):
    return timezone.now() > event.ends_at + datetime.timedelta(days=settings.PERSONAL_LINK_DAYS_AFTER_EVENT)


@personal_page
def personal_link(request, token):
    """Open a personal link: remember it in the session and continue at an address without it."""
    if _too_many(request, "personal-link", settings.PERSONAL_LINK_RATE_LIMIT):
        return _link_problem(request, "too_many", status=429)
    if not ACCESS_TOKEN_PATTERN.fullmatch(token):  # mangled by a messenger, or typed by hand
        return _link_problem(request, "invalid", status=404)
    participant = Participant.objects.filter(access_token=token).select_related("event").first()
    if participant is None or not participant.event.is_published:
        return _link_problem(request, "invalid", status=404)
    if _link_has_expired(participant.event):
        return _link_problem(request, "expired", status=410)
    links = request.session.get(PERSONAL_LINKS_SESSION_KEY, {})
    links[str(participant.event_id)] = token
    request.session[PERSONAL_LINKS_SESSION_KEY] = links
    # A new session key, so that a session id seen before the link was opened is worth nothing.
    request.session.cycle_key()
    return redirect("participants:my_registration", slug=participant.event.slug)


class RegisterView(View):
    """The public registration form.

    The blank form is the same page for every visitor but for two values, the
    CSRF token and the submission key, and drawing it is nearly all of a
    visit's cost. So each process draws it once a minute per event and
    language, with placeholders, and fills in each visitor's own values. An
    organiser's change (categories, places, closing registration) shows
    within a minute; a submission is always checked against the event as it
    is now.
    """

    template_name = "participants/register.html"
    blank_page_seconds = 60
    csrf_placeholder = "__csrf_token__"
    submission_key_placeholder = "__submission_key__"

    def dispatch(self, request, slug):
        if request.method == "GET" and not _has_messages(request):
            blank_page = caches["local"].get(self.blank_page_key(slug))
            if blank_page is not None:
                return self.personalise(blank_page)
        self.event = self.event_for_form(slug) if request.method == "POST" else self.fresh_event(slug)
        if self.event.registration_state() != RegistrationState.OPEN:
            return self.unavailable(self.event.registration_state())
        return super().dispatch(request, slug)

    def event_for_form(self, slug):
        """The event a submission's form is checked with: the one its page was drawn with, kept for a minute.

        Whatever decides a registration (the seats, the registration's dates,
        publication) services.register reads again under the event's lock.
        """
        return caches["local"].get(self.event_key(slug)) or self.fresh_event(slug)

    def fresh_event(self, slug):
        event = _published_event(slug)
        event.has_tracks  # noqa: B018  (kept with it: the form asks on every submission)
        prefetch_related_objects([event], "logos")  # the header's, drawn again when a submission is refused
        caches["local"].set(self.event_key(slug), event, self.blank_page_seconds)
        return event

    def event_key(self, slug):
        return f"registration-event:{slug}"

    def unavailable(self, registration_state):
        return render(
            self.request,
            "participants/registration_unavailable.html",
            {"event": self.event, "registration_state": registration_state},
            status=403,
        )

    def get(self, request, slug):
        if _has_messages(request):
            return self.render_form(PublicRegistrationForm(event=self.event))
        form = PublicRegistrationForm(event=self.event, initial={"submission_key": self.submission_key_placeholder})
        blank_page = render_to_string(
            self.template_name,
            {"event": self.event, "form": form, "csrf_token": self.csrf_placeholder},
            request=request,
        )
        seconds = self.blank_page_seconds
        if self.event.registration_closes_at:  # never kept past the moment registration closes
            seconds = min(seconds, (self.event.registration_closes_at - timezone.now()).total_seconds())
        caches["local"].set(self.blank_page_key(slug), blank_page, seconds)
        return self.personalise(blank_page)

    def blank_page_key(self, slug):
        return f"registration-page:{slug}:{translation.get_language()}"

    def personalise(self, blank_page):
        return HttpResponse(
            blank_page.replace(self.csrf_placeholder, get_token(self.request)).replace(
                self.submission_key_placeholder, str(uuid.uuid4())
            )
        )

    def post(self, request, slug):
        form = PublicRegistrationForm(request.POST, event=self.event)
        # Fails open: when Redis is down the limit is not counted, and the
        # person can still register.
        limited = is_ratelimited(
            request, group="registration", key="ip", rate=settings.REGISTRATION_RATE_LIMIT, increment=True
        )
        if limited:
            form.add_error(None, _("Too many registrations from your connection. Please wait a minute and try again."))
            return self.render_form(form, status=429)
        if not form.is_valid():
            return self.render_form(form, status=400)
        # Registering renews the session (a session id seen before is worth
        # nothing after it). Renewed now, before the registration's
        # transaction: if that fails, nobody is registered yet.
        renewed = _renew_session(request)
        try:
            result = services.register(
                self.event,
                form.details(),
                form.consents(),
                language=request.LANGUAGE_CODE,
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:  # the track filled up while the person was typing
            form.add_error(None, error)
            response = self.render_form(form, status=400)
        except services.RegistrationUnavailable as closed:  # closed or withdrawn while she was typing
            caches["local"].delete(self.event_key(slug))
            if closed.registration_state is None:
                raise Http404 from closed
            response = self.unavailable(closed.registration_state)
        else:
            # From here on a new registration and an address already on the
            # list (whose owner the services told) go the same way: the
            # personal link goes to the address given, never to this browser,
            # so nothing shows which of the two it was. Nothing here touches
            # the database.
            response = redirect("participants:registered", slug=self.event.slug)
            confirmation = {
                "event": self.event.pk,
                "status": result.status,
                "emailed": bool(form.cleaned_data["email"]),
            }
            response.set_cookie(
                CONFIRMATION_COOKIE,
                signing.dumps(confirmation, salt=CONFIRMATION_SALT),
                max_age=CONFIRMATION_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        if renewed:
            _send_session_cookie(request, response)
        return response

    def render_form(self, form, status=200):
        return render(self.request, self.template_name, {"event": self.event, "form": form}, status=status)


def _renew_session(request):
    """Give this browser's session a new key, written at once; False when it has no session to renew."""
    if request.session.is_empty():
        return False
    request.session.cycle_key()
    # Written already: the session middleware must not write it again after
    # the registration commits (see _send_session_cookie).
    request.session.modified = False
    return True


def _send_session_cookie(request, response):
    """The cookie of a renewed session, set as Django's session middleware sets it for a session it writes."""
    session = request.session
    response.set_cookie(
        settings.SESSION_COOKIE_NAME,
        session.session_key,
        max_age=None if session.get_expire_at_browser_close() else session.get_expiry_age(),
        domain=settings.SESSION_COOKIE_DOMAIN,
        path=settings.SESSION_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=settings.SESSION_COOKIE_HTTPONLY or None,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )


def _has_messages(request):
    # Looking does not use them up: the page drawn next still shows them.
    return bool(list(messages.get_messages(request)))


@personal_page
def registered(request, slug):
    """The page after the public form: the outcome, and where the personal link is on its way to."""
    event = _published_event(slug)
    try:
        confirmation = signing.loads(
            request.COOKIES.get(CONFIRMATION_COOKIE, ""), salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE
        )
    except signing.BadSignature:  # none, expired or tampered with
        confirmation = None
    if not confirmation or confirmation["event"] != event.pk:
        return redirect("agenda:event_detail", slug=slug)
    return render(request, "participants/registered.html", {"event": event, "confirmation": confirmation})


class MyRegistrationView(PersonalPageMixin, View):
    """A person's own page, reached through their personal link."""

    def dispatch(self, request, slug):
        self.event = _published_event(slug)
        self.participant = session_participant(request, self.event)
        if self.participant is None:
            return _link_problem(request, "no_session", status=403)
        return super().dispatch(request, slug)

    @property
    def is_answering_invitation(self):
        return self.participant.is_answering_invitation

    def can_still_register(self):
        return self.event.registration_state() in (
            RegistrationState.OPEN,
            RegistrationState.INVITATION_ONLY,
            RegistrationState.NOT_OPEN_YET,
        )

    def form_class(self):
        return InvitationAcceptanceForm if self.is_answering_invitation else PersonalDetailsForm

    def get(self, request, slug):
        return self.render_page(self.form_class()(instance=self.participant, event=self.event))

    def post(self, request, slug):
        # A copy: validating the form writes the submitted values into it.
        form = self.form_class()(request.POST, instance=copy.copy(self.participant), event=self.event)
        if self.is_answering_invitation and not self.can_still_register():
            messages.error(request, _("Registration for this event is closed."))
            return redirect("participants:my_registration", slug=slug)
        if self.participant.status == Status.ATTENDED:
            return redirect("participants:my_registration", slug=slug)
        if not form.is_valid():
            return self.render_page(form, status=400)
        if services.new_contact_addresses(self.participant, form.details()) and _too_many(
            request, "address-change", settings.ADDRESS_CHANGE_RATE_LIMIT, key=self._participant_key
        ):
            form.add_error(
                None, _("You have changed your email address or phone number too often. Please try again in an hour.")
            )
            return self.render_page(form, status=429)
        save = services.accept_invitation if self.is_answering_invitation else services.update_details
        try:
            result = save(self.participant, form.details(), form.consents(), language=request.LANGUAGE_CODE)
        except ValidationError as error:  # the track filled up while the person was typing
            form.add_error(None, error)
            return self.render_page(form, status=400)
        participant = result.participant
        for name, address in result.new_addresses.items():
            messages.info(request, NEW_ADDRESS_MESSAGES[name] % {"address": address})
        if not self.is_answering_invitation:
            messages.success(request, _("Your changes are saved."))
        elif participant.status == Status.REGISTERED:
            messages.success(request, _("Thank you: you are registered."))
        else:
            messages.warning(request, _("All seats are taken for now: you are on the waiting list."))
        return redirect("participants:my_registration", slug=slug)

    def _participant_key(self, group, request):
        # Counted per person, across her sessions and connections.
        return str(self.participant.pk)

    def render_page(self, form, status=200):
        # A form that was just submitted is a fresh instance bound to the
        # submitted values; show the status as it is stored.
        participant = Participant.objects.get(pk=self.participant.pk)
        return render(
            self.request,
            "participants/my_registration.html",
            {
                "event": self.event,
                "participant": participant,
                "form": form,
                "decline_form": DeclineForm(),
                "can_still_register": self.can_still_register(),
                "is_answering_invitation": self.is_answering_invitation,
                "has_certificate": certificates.has_certificate(participant),
                "sessions": sessions_for_participant(participant) if participant.holds_seat else [],
            },
            status=status,
        )


@require_POST
def decline_invitation(request, slug):
    event = _published_event(slug)
    participant = session_participant(request, event)
    if participant is None:
        return _link_problem(request, "no_session", status=403)
    form = DeclineForm(request.POST)
    if not form.is_valid() or participant.status != Status.INVITED:
        messages.error(request, _("Your answer could not be saved. Please check it and try again."))
        return redirect("participants:my_registration", slug=slug)
    services.decline(participant, reason=form.cleaned_data["reason"])
    messages.success(request, _("Thank you for letting us know. You have declined the invitation."))
    return redirect("participants:my_registration", slug=slug)


@require_http_methods(["GET", "POST"])
@personal_page
def cancel_registration(request, slug):
    """Ask first, then cancel: one tap on a phone must not give a seat away.

    Only a POST that says "yes" cancels; the one-tap form of a page drawn before
    this step, which does not, is shown the question too.
    """
    event = _published_event(slug)
    participant = session_participant(request, event)
    if participant is None:
        return _link_problem(request, "no_session", status=403)
    if not participant.is_signed_up:
        return redirect("participants:my_registration", slug=slug)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        # No notice of its own: the personal page's status already says it is cancelled.
        services.cancel(participant)
        return redirect("participants:my_registration", slug=slug)
    return render(request, "participants/cancel_confirm.html", {"event": event, "participant": participant})


@require_POST
@personal_page
def sign_out(request, slug):
    """Forget, on this device, every personal link opened on it: a shared phone keeps nothing of her."""
    event = _published_event(slug)
    request.session.flush()
    messages.success(request, _("You are signed out on this device. To come back, open your personal link again."))
    response = redirect(event.get_absolute_url())
    response.delete_cookie(CONFIRMATION_COOKIE, samesite="Lax")
    return response


@require_GET
@personal_page
def certificate(request, slug):
    """Her certificate of participation (PDF, in her language), once she has attended: hers alone, like her page."""
    event = _published_event(slug)
    participant = session_participant(request, event)
    if participant is None:
        return _link_problem(request, "no_session", status=403)
    pdf = certificates.certificate_pdf(participant)
    if pdf is None:
        raise Http404(_("A certificate of participation is for the people who took part in the event."))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{event.slug}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@personal_page
def confirm_address(request, token):
    """The link sent to a new email address or phone number: it asks first, and changes the address on a POST.

    Asking first, because mail and messenger apps open links to preview them.
    """
    if _too_many(request, "personal-link", settings.PERSONAL_LINK_RATE_LIMIT):
        return _link_problem(request, "too_many", status=429)
    outcome = None
    try:
        change = services.read_address_change(token)
        participant, name, address = change.participant, change.field, change.address
        if request.method == "POST":
            outcome, participant = services.confirm_address_change(token)
    except services.AddressChangeLinkExpired:
        return _link_problem(request, "address_expired", status=410)
    except services.AddressChangeLinkInvalid:
        return _link_problem(request, "invalid", status=404)
    return render(
        request,
        "participants/confirm_address.html",
        {"event": participant.event, "field": name, "address": address, "outcome": outcome},
    )


@require_GET
@cache_control(private=True, max_age=3600)
def checkin_code_image(request, code):
    """The QR code of a standing check-in code: it shows only what the address already holds, and opens nothing."""
    participant = Participant.objects.filter(checkin_token=code).first()
    if participant is None or not services.has_checkin_code(participant):
        raise Http404
    return HttpResponse(services.checkin_qr_png(code), content_type="image/png")


def _report_event(request, slug):
    if not request.user.has_perm("participants.view_report"):
        raise PermissionDenied
    return get_object_or_404(Event, slug=slug)


@staff_member_required
@cache_control(private=True, no_store=True)
def participation_report(request, slug):
    event = _report_event(request, slug)
    report = participation.gather(event, translation.get_language())
    return render(
        request,
        "participants/report/report.html",
        {"event": event, "report": report, "funnel": participation.funnel_lines(report.funnel),
         "columns": participation.column_titles()},
    )


@staff_member_required
@cache_control(private=True, no_store=True)
def participation_report_xlsx(request, slug):
    event = _report_event(request, slug)
    language = translation.get_language()
    content = participation.render_xlsx(participation.gather(event, language), language)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-participation-{language}.xlsx"'
    return response


# The door: a page that keeps working offline (door.js and its service
# worker), and the small JSON answers it asks for while the connection lasts.


DOOR_EVENT_FIELDS = [f"title_{code}" for code, _name in settings.LANGUAGES]


def door_staff_only(view):
    """For organisers and door staff; anyone else is sent to the door's login, or told why not, in her language."""

    @functools.wraps(view)
    def wrapped(request, slug, *args, **kwargs):
        login_url = reverse("participants:door_login", kwargs={"slug": slug})
        if not request.user.is_authenticated:
            if request.method == "GET" and not request.path.endswith(".json"):
                return redirect_to_login(request.get_full_path(), login_url)
            return JsonResponse({"message": _("Log in again to go on checking people in."), "login": login_url}, status=401)
        if not request.user.has_perm("participants.check_in"):
            if request.path.endswith(".json") or request.method == "POST":
                return JsonResponse({"message": _("Only organisers and door staff check people in.")}, status=403)
            return render(request, "participants/door/not_door_staff.html", {"login_url": login_url}, status=403)
        # The door's pages use the event's title and little else: a check-in need not read its forty other columns.
        event = get_object_or_404(Event.objects.only("id", "slug", *DOOR_EVENT_FIELDS), slug=slug)
        return view(request, event, *args, **kwargs)

    return wrapped


def _door_person(request, event):
    # Her name for the answer; the service reads and locks her row itself.
    people = door.at_the_door(event).filter(pk=_int_or_none(request.POST.get("person")))
    person = people.only("pk", "event", "full_name").order_by().first()
    if person is None:
        raise Http404
    return person


def _time_or_none(value):
    """A time a phone sent (ISO 8601), or None for anything else."""
    try:
        at = parse_datetime(value or "")
    except ValueError:
        return None
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at)
    return at


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _checked_in_message(check_in):
    if check_in.outcome == services.CheckInOutcome.CHECKED_IN:
        return _("%(name)s is checked in.") % {"name": check_in.participant.full_name}
    return _("%(name)s was already checked in at %(time)s by %(who)s.") % {
        "name": check_in.participant.full_name,
        "time": date_format(timezone.localtime(check_in.at), "TIME_FORMAT") if check_in.at else "?",
        "who": (check_in.by.get_full_name() or check_in.by.get_username()) if check_in.by else _("an organiser"),
    }


def _door_texts():
    """What door.js says, in the page's language; %(name)s and the like are filled in there."""
    return {
        "online": _("Online"),
        "offline": _("Offline: check-ins are kept on this phone"),
        "waiting": _("Not yet sent: %(count)s"),
        "listTime": _("List of %(time)s"),
        "checkIn": _("Check in"),
        "checkedInAt": _("Checked in at %(time)s by %(who)s"),
        "checkedIn": _("%(name)s is checked in."),
        "checkedInOffline": _("%(name)s is checked in on this phone; it is sent when the connection returns."),
        "undo": _("Take it back (%(seconds)s s)"),
        "undone": _("%(name)s is no longer checked in."),
        "track": _("Track"),
        "noTrack": _("No track chosen"),
        "room": _("Room"),
        "needs": _("Needs"),
        "noPhotos": _("No photos"),
        "noQuotes": _("No quotes"),
        "walkIn": _("Added at the door"),
        "nobody": _("Nobody on the list matches. Check the spelling, or add her as a person not on the list."),
        "more": _("The first %(count)s: type more letters to find her."),
        "typeMore": _("Type at least two letters."),
        "unknownOffline": _("This code is not on this phone's list (offline). Find her by name."),
        "cameraFailed": _("The camera cannot be used here. Find her by name, or type the code."),
        "walkInOffline": _("%(name)s is added on this phone; she is sent when the connection returns."),
        "remove": _("Remove"),
        "signOutWaiting": _("Some check-ins are not sent yet. Sign out and lose them?"),
        "expected": _("%(arrived)s of %(expected)s"),
    }


@door_staff_only
@require_GET
@cache_control(private=True, no_cache=True)
def door_page(request, event):
    get_token(request)  # door.js sends the CSRF cookie back with each check-in
    form = WalkInForm(event=event, initial={"key": uuid.uuid4()})
    tracks = event.tracks.order_by("order", "pk")
    config = {
        "event": event.pk,
        "user": request.user.get_username(),
        "folds": FOLDS,
        "phoneSearchFrom": door.PHONE_SEARCH_FROM,
        "searchResults": door.SEARCH_RESULTS,
        "undoSeconds": int(services.UNDO_CHECK_IN_WITHIN.total_seconds()),
        "csrfCookie": settings.CSRF_COOKIE_NAME,
        "urls": {
            name: reverse(f"participants:door_{name}", kwargs={"slug": event.slug})
            for name in ("people", "search", "check_in", "undo", "walk_in", "service_worker")
        },
        "decoder": static("vendor/jsqr/jsQR.js"),
        "tracks": [{"id": track.pk, "title": track.title} for track in tracks],
        "text": _door_texts(),
    }
    return render(request, "participants/door/door.html", {"event": event, "form": form, "config": config})


@require_GET
def door_service_worker(request, slug):
    """The door page's service worker, served from the page's own path so that it may control the page."""
    response = render(request, "participants/door/service-worker.js", content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@door_staff_only
@require_GET
@cache_control(private=True, no_store=True)
@gzip_page
def door_people(request, event):
    """The door's list, whole, or what changed since the time the last answer gave (?since=).

    Compressed, and written in UTF-8 rather than escaped: a phone on mobile data reads the whole list once,
    with 2,000 people 60 KB instead of 1 MB.
    """
    # The next answer starts a little before this one: a change saved while
    # this one was read, and committed after, still reaches the phone.
    now = timezone.now()
    since = _time_or_none(request.GET.get("since"))
    people = door.changed_since(event, since) if since else door.door_list(event)
    rooms = door.rooms_by_track(event)
    return JsonResponse(
        {
            "whole": since is None,
            "next": (now - door.SYNC_OVERLAP).isoformat(),
            "people": [door.entry(person, rooms) for person in people],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@door_staff_only
@require_GET
@cache_control(private=True, no_store=True)
def door_search(request, event):
    text = request.GET.get("q", "")[:100]
    rooms = door.rooms_by_track(event)
    return JsonResponse({"people": [door.entry(person, rooms) for person in door.search(event, text)]})


@door_staff_only
@require_POST
def door_check_in(request, event):
    """Check a person in, found by the door (?person=) or by her code (?code=), at ?at= if the phone was offline.

    A person the phone named is on its list: the answer says only what changed. A code may be of someone the
    phone has not heard of yet (registered since it read the list): the answer gives her whole entry.
    """
    at = _time_or_none(request.POST.get("at"))
    try:
        if "code" in request.POST:
            person = services.find_by_checkin_code(event, request.POST["code"][:100])
        else:
            person = _door_person(request, event)
    except services.CheckInRefused as refused:
        return _refused(refused)
    except Http404:
        return JsonResponse({"problem": "unknown", "message": _("This person is not on this event's door list.")}, status=404)
    check_in = services.check_in(person, by=request.user, at=at)
    entry = door.entry_now(event, person) if "code" in request.POST else door.check_in_state(check_in)
    return JsonResponse({"outcome": check_in.outcome, "message": _checked_in_message(check_in), "person": entry})


def _refused(refused):
    if refused.problem == services.CodeProblem.OTHER_EVENT:
        message = _("This code is for another event: %(event)s.") % {"event": refused.other_event.title}
    elif refused.problem == services.CodeProblem.NO_SEAT:
        message = _("%(name)s holds no seat at this event (%(status)s). Ask an organiser.") % {
            "name": refused.participant.full_name,
            "status": refused.participant.get_status_display().lower(),
        }
    elif refused.problem == services.CodeProblem.REPLACED:
        message = _(
            "This code of %(name)s was replaced by a new one: ask to see the newest message, or find her by name "
            "and make sure it is she."
        ) % {"name": refused.participant.full_name}
    else:
        message = _("This is not a check-in code of this site. Find her by name.")
    status = 404 if refused.problem == services.CodeProblem.UNKNOWN else 409
    return JsonResponse({"problem": refused.problem, "message": message}, status=status)


@door_staff_only
@require_POST
def door_undo(request, event):
    try:
        person = _door_person(request, event)
        services.undo_check_in(person, by=request.user)
    except Http404:
        return JsonResponse({"message": _("This person is not on this event's door list.")}, status=404)
    except services.UndoTooLate:
        return JsonResponse(
            {"message": _("It is more than a minute since she was checked in: ask an organiser to change it.")},
            status=409,
        )
    return JsonResponse(
        {"message": _("%(name)s is no longer checked in.") % {"name": person.full_name}, "person": door.entry_now(event, person)}
    )


@door_staff_only
@require_POST
def door_walk_in(request, event):
    form = WalkInForm(request.POST, event=event)
    if not form.is_valid():
        return JsonResponse({"message": _("Please correct the marked fields."), "errors": form.errors}, status=400)
    try:
        person, created = services.add_walk_in(
            event, form.save(commit=False), by=request.user, key=form.cleaned_data["key"], at=form.cleaned_data["at"]
        )
    except ValidationError as error:
        return JsonResponse({"message": error.messages[0], "errors": {"phone": error.messages}}, status=400)
    return JsonResponse(
        {"message": _("%(name)s is added and checked in.") % {"name": person.full_name}, "person": door.entry_now(event, person)},
        status=201 if created else 200,
    )


class DoorLoginView(auth_views.LoginView):
    template_name = "participants/door/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("participants:door", kwargs={"slug": self.kwargs["slug"]})


class DoorLogoutView(auth_views.LogoutView):
    def get_default_redirect_url(self):
        return reverse("participants:door_login", kwargs={"slug": self.kwargs["slug"]})
