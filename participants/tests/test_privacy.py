"""The do-no-harm policy: each person shown to each audience as she chose, or as organisers protect her."""

import pytest

from participants.models import Participant, Visibility
from participants.privacy import Appearance, Audience, appearance, named, shown, shown_name

from .factories import ParticipantFactory

pytestmark = pytest.mark.django_db

N, U, C = Appearance.NAMED, Appearance.UNNAMED, Appearance.COUNTED
# The table of participants/privacy.py's docstring, which the README repeats.
#                                   organisers door facilitators export public
POLICY = {
    ("at risk", Visibility.LISTED): (N, N, U, C, C),
    ("", Visibility.COUNTED_ONLY): (N, N, U, C, C),
    ("", Visibility.ORGANISERS_ONLY): (N, N, N, N, U),
    ("", Visibility.LISTED): (N, N, N, N, N),
}
AUDIENCES = (Audience.ORGANISERS, Audience.DOOR, Audience.FACILITATORS, Audience.EXPORT, Audience.PUBLIC)


@pytest.mark.parametrize(("person", "answers"), POLICY.items(), ids=[f"{r} {v}".strip() for r, v in POLICY])
def test_each_audience_sees_each_person_as_the_policy_says_in_pages_and_in_queries(person, answers):
    risk, visibility = person
    participant = ParticipantFactory(full_name="Жаңыл Токтогулова", visibility=visibility, at_risk=bool(risk))
    everybody = Participant.objects.all()

    for audience, expected in zip(AUDIENCES, answers):
        assert appearance(participant, audience) == expected, audience
        # Lists and exports filter in the database: they must agree with the pages.
        assert named(everybody, audience).exists() is (expected == N), audience
        assert shown(everybody, audience).exists() is (expected != C), audience
        if expected != C:
            name = shown_name(participant, audience)
            assert (name == "Жаңыл Токтогулова") is (expected == N), audience


def test_a_person_marked_at_risk_is_never_named_outside_the_organisers_whatever_she_chose():
    participant = ParticipantFactory(visibility=Visibility.LISTED, at_risk=True)

    assert shown_name(participant, Audience.FACILITATORS) == "A participant (not named)"
    assert not named(Participant.objects.all(), Audience.PUBLIC).exists()
