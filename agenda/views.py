from django.utils import timezone
from django.views.generic import DetailView, ListView

from .models import Event


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
        events = Event.objects.prefetch_related("tracks")
        # Organisers preview an event before publishing it; nobody else sees it.
        if self.request.user.has_perm("agenda.view_event"):
            return events
        return events.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registration_state"] = self.object.registration_state()
        return context
