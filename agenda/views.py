from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import AccessMixin
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_noop
from django.views.generic import DetailView, ListView

from . import services
from .models import Event, EventLogo, Session
from .validators import logo_content_type


def events_visible_to(user):
    # Organisers preview an event before publishing it; nobody else sees it.
    if user.has_perm("agenda.view_event"):
        return Event.objects.all()
    return Event.objects.published()


class EventListView(ListView):
    """The home page: upcoming events in full, past ones a page at a time."""

    template_name = "agenda/event_list.html"
    context_object_name = "past_events"
    paginate_by = 12

    def get_queryset(self):
        self.now = timezone.now()
        return Event.objects.published().past(self.now)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["upcoming_events"] = Event.objects.published().upcoming(self.now)
        return context


class EventDetailView(DetailView):
    template_name = "agenda/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return events_visible_to(self.request.user).prefetch_related("tracks", "logos")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registration_state"] = self.object.registration_state()
        context["has_agenda"] = self.object.sessions.exists()
        return context


class TimetableView(DetailView):
    """The day's programme: tracks side by side on a wide screen, one list on a phone, one A4 page on paper."""

    template_name = "agenda/timetable.html"
    context_object_name = "event"

    def get_queryset(self):
        return events_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tracks"], context["rows"] = services.timetable(self.object)
        context["several_days"] = (
            timezone.localdate(self.object.starts_at) != timezone.localdate(self.object.ends_at)
        )
        return context


def _visible_session(request, slug, pk):
    event = get_object_or_404(events_visible_to(request.user), slug=slug)
    return get_object_or_404(
        Session.objects.select_related("event", "track").prefetch_related("facilitators"), event=event, pk=pk
    )


def session_detail(request, slug, pk):
    return render(request, "agenda/session_detail.html", {"session": _visible_session(request, slug, pk)})


def _calendar_response(sessions, filename):
    response = HttpResponse(services.calendar(sessions), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_calendar(request, slug):
    event = get_object_or_404(events_visible_to(request.user), slug=slug)
    sessions = event.sessions.select_related("event", "track").prefetch_related("facilitators")
    return _calendar_response(sessions, f"{event.slug}.ics")


def session_calendar(request, slug, pk):
    session = _visible_session(request, slug, pk)
    return _calendar_response([session], f"{session.event.slug}-session-{session.pk}.ics")


def logo_file(request, path):
    """An event's logo, the only uploaded file the site serves (nothing else in MEDIA_ROOT is public).

    Each upload gets a name of its own, so a logo can be kept for long.
    """
    logo = get_object_or_404(
        EventLogo.objects.select_related("event").filter(event__in=events_visible_to(request.user)), image=path
    )
    try:
        file = logo.image.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    content_type = logo_content_type(file.read(8))
    file.seek(0)
    response = FileResponse(file, content_type=content_type)
    if logo.event.is_published:
        patch_cache_control(response, public=True, max_age=30 * 24 * 60 * 60, immutable=True)
    else:  # an organiser's preview: no proxy keeps what the public may not see yet
        patch_cache_control(response, private=True, no_cache=True)
    return response


# Django's own Kyrgyz for a wrong username or password is garbled ("... СезГичТүү ..."): our catalog, read
# before Django's, words it; named here so that makemessages keeps it there.
WRONG_LOGIN = gettext_noop(
    "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."
)


class FacilitatorLoginView(auth_views.LoginView):
    template_name = "agenda/facilitator_login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("agenda:facilitator_sessions")


class FacilitatorLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("agenda:facilitator_login")


class FacilitatorRequiredMixin(AccessMixin):
    login_url = reverse_lazy("agenda:facilitator_login")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm("agenda.view_facilitator_pages"):
            return render(request, "agenda/facilitators_only.html", status=403)
        return super().dispatch(request, *args, **kwargs)


class FacilitatorSessionsView(FacilitatorRequiredMixin, ListView):
    """A facilitator's own sessions, upcoming first, each with the people expected in it."""

    template_name = "agenda/facilitator_sessions.html"
    context_object_name = "sessions"
    paginate_by = 10

    def get_queryset(self):
        return services.sessions_for_facilitator(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_blocks"] = [
            (session, services.participants_for_session(session)) for session in context["sessions"]
        ]
        return context
