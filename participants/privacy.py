"""Do no harm: how a person is shown to whoever looks, decided here and nowhere else.

Each participant decides which risks she takes (her choice of how she appears
in the participant list, her consents), and organisers may mark a person at
risk, whatever she chose, when being named could expose her to retaliation.
Every page, export, quote, message and document asks this module how to show a
person to its audience:

============================  =========  ========  ============  ======  ======
the person                    organisers door      facilitators  export  public
============================  =========  ========  ============  ======  ======
marked at risk                named      named     not named     left out counted
"only counted, never named"   named      named     not named     left out counted
"known to the organisers"     named      named     named         named   not named
"listed by name"              named      named     named         named   named
============================  =========  ========  ============  ======  ======

"export" is what organisers take out of the admin as a file; "public" is
everything else that leaves the organisers' hands: the outcome document, the
public pages, quotes, and anything other participants see. Door staff see
everyone's name (they must find her on the list) and nothing else about her.

A quote names or describes its speaker in public, so only a person who agreed
to be quoted, is not at risk and did not ask to be only counted may be quoted.
"""

from django.db.models import Case, OuterRef, Q, Subquery, TextChoices, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Consent, ConsentKind, Visibility


class Audience(TextChoices):
    ORGANISERS = "organisers", _("organisers")
    DOOR = "door", _("door staff")
    FACILITATORS = "facilitators", _("facilitators")
    EXPORT = "export", _("organisers' exports")
    PUBLIC = "public", _("the public")


class Appearance(TextChoices):
    NAMED = "named", _("named")
    UNNAMED = "unnamed", _("a participant, not named")
    COUNTED = "counted", _("only counted")


# Who sees the name of a person who chose each visibility (and of a person at
# risk, who is treated as the most protected choice whatever she chose).
_NAMED_TO = {
    Visibility.LISTED: set(Audience),
    Visibility.ORGANISERS_ONLY: {Audience.ORGANISERS, Audience.DOOR, Audience.FACILITATORS, Audience.EXPORT},
    Visibility.COUNTED_ONLY: {Audience.ORGANISERS, Audience.DOOR},
}
# Where a person who is not named still appears as "a participant" rather
# than only in the counts.
_UNNAMED_IN = {Audience.FACILITATORS}
_UNNAMED_IN_PUBLIC = {Visibility.ORGANISERS_ONLY}


def _protected_visibility(participant):
    return Visibility.COUNTED_ONLY if participant.at_risk else participant.visibility


def appearance(participant, audience):
    """How this person appears to this audience: named, "a participant, not named", or only counted."""
    visibility = _protected_visibility(participant)
    if audience in _NAMED_TO[visibility]:
        return Appearance.NAMED
    if audience in _UNNAMED_IN or (audience == Audience.PUBLIC and visibility in _UNNAMED_IN_PUBLIC):
        return Appearance.UNNAMED
    return Appearance.COUNTED


def _named_condition(audience):
    visibilities = [visibility for visibility, audiences in _NAMED_TO.items() if audience in audiences]
    condition = Q(visibility__in=visibilities)
    if Visibility.COUNTED_ONLY not in visibilities:
        condition &= Q(at_risk=False)
    return condition


def named(participants, audience):
    """The people of a queryset whose names this audience may see (the same rule as `appearance`)."""
    return participants.filter(_named_condition(audience))


def shown(participants, audience):
    """The people of a queryset who appear to this audience at all, named or as "a participant"."""
    if audience in _UNNAMED_IN:
        return participants
    if audience == Audience.PUBLIC:
        return participants.filter(_named_condition(audience) | Q(at_risk=False, visibility__in=_UNNAMED_IN_PUBLIC))
    return named(participants, audience)


def shown_name(participant, audience):
    """Her name, or "A participant (not named)"; never call it for someone only counted."""
    if appearance(participant, audience) == Appearance.NAMED:
        return participant.full_name
    return gettext("A participant (not named)")


def on_badge(participant):
    """(name, organisation) on her badge, which everybody in the room reads.

    Named as the room's facilitators see her; otherwise (at risk, or only
    counted) her first name only, the first word of her name as she writes it,
    and no organisation, which could point at her.
    """
    name = participant.badge_name or participant.full_name
    if appearance(participant, Audience.FACILITATORS) == Appearance.NAMED:
        return name, participant.organisation
    return (name.split()[0] if name.strip() else ""), ""


def latest_consent(kind, participant="pk"):
    """A participant's latest answer to one consent question (True, False or None), for annotating a queryset."""
    return Subquery(
        Consent.objects.filter(participant=OuterRef(participant), kind=kind)
        .order_by("-recorded_at", "-pk")
        .values("given")[:1]
    )


def quotable(participants):
    """The people of a queryset who may be quoted: media consent given and standing, not at risk, not only counted."""
    return (
        participants.filter(at_risk=False)
        .exclude(visibility=Visibility.COUNTED_ONLY)
        .annotate(media_consent=latest_consent(ConsentKind.MEDIA))
        .filter(media_consent=True)
    )


def may_be_quoted(participant):
    return quotable(type(participant).objects.filter(pk=participant.pk)).exists()


def with_restrictions(participants):
    """Annotate what a facilitator must know about each person in the room: `no_photos` and `no_quotes`.

    Photographs need a standing yes to the photography question, quotes to the
    media question; a person at risk is never photographed or quoted, and a
    person only counted is never quoted, whatever they answered.
    """
    # Aliases, not annotations: each consent is looked up once, inside the two answers.
    return participants.alias(
        photo_consent=latest_consent(ConsentKind.PHOTOGRAPHY),
        media_consent=latest_consent(ConsentKind.MEDIA),
    ).annotate(
        no_photos=Case(When(Q(at_risk=False, photo_consent=True), then=Value(False)), default=Value(True)),
        no_quotes=Case(
            When(Q(at_risk=False, media_consent=True) & ~Q(visibility=Visibility.COUNTED_ONLY), then=Value(False)),
            default=Value(True),
        ),
    )


# A figure that leaves the organisers' hands never counts fewer people than
# this in one cell: in a district or a category of three, "1 woman" names her.
SMALL_CELL = 5


def publishable_count(count):
    """The count as it may be published, or None when it is a small cell (1 to SMALL_CELL - 1 people)."""
    return count if count == 0 or count >= SMALL_CELL else None


def count_or_hidden(count):
    """A count as a published document writes it: the number, or "not shown" for a hidden cell.

    Not "fewer than 5": publishable_counts also hides a larger cell that would give a small one away.
    """
    return gettext("not shown") if count is None else str(count)


def publishable_counts(counts):
    """The cells of one table, whose total is published, as they may be published (None: hidden).

    One hidden cell could be worked out from the total and the others, so when
    exactly one is hidden the next smallest is hidden with it.
    """
    shown = [publishable_count(count) for count in counts]
    if shown.count(None) == 1:
        visible = [index for index, count in enumerate(shown) if count]
        if visible:
            shown[min(visible, key=lambda index: counts[index])] = None
    return shown
