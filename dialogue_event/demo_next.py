"""The demo's next dialogue: a fictional follow-up to the Osh day, some weeks ahead and open for registration.

The Osh day is over, its registration closed and its personal links expired,
so a newcomer could only look at it. This one is laid down relative to the
day load_demo first runs, so that there is always something to register for,
and its few invitees have personal links that work.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agenda.models import Event, Session, Track
from participants import services
from participants.models import Channel, Participant, Status
from participants.validators import normalise_phone

from .demo import (
    BISHKEK, MAIN_HALL, OSH_DEMO_FACILITATOR_TRACK, OSH_DIALOGUE, OSH_TRACKS, ROOM_A, ROOM_B, ROOM_C, _by_english_name,
)  # fmt: skip

NEXT_DIALOGUE_SLUG = "batken-dialogue-next"
# Far enough ahead for an organiser to try inviting, reminding and the waiting list before it starts.
NEXT_DIALOGUE_WEEKS_AHEAD = 6
NEXT_DIALOGUE_CLOSES_DAYS_BEFORE = 7

# Who hosts it, and how people reach the organisers, as for the Osh day.
_SAME_AS_OSH = [
    f"{name}_{language}"
    for name in ("host_organisation", "partner_organisations", "funder", "funded_project")
    for language in ("en", "ru", "ky")
] + ["contact_email"]

NEXT_DIALOGUE = {
    "slug": NEXT_DIALOGUE_SLUG,
    "capacity": 40,
    "open_registration": True,
    "is_published": True,
    "title_en": "Women leaders and local peace: the follow-up dialogue in Batken",
    "title_ru": "Женщины-лидеры и мир на местах: следующий диалог в Баткене",
    "title_ky": "Аял лидерлер жана жергиликтүү тынчтык: Баткендеги кийинки диалог",
    "theme_en": "What has changed since the Osh dialogue, and what the next National Action Plan should ask of local councils",
    "theme_ru": "Что изменилось после диалога в Оше и чего следующий Национальный план действий должен ждать от местных кенешей",
    "theme_ky": "Оштогу диалогдон бери эмне өзгөрдү жана кийинки Улуттук иш-аракеттер планы жергиликтүү кеңештерден эмнени күтүшү керек",
    "purpose_en": (
        "This dialogue is fictional: the demo creates it some weeks ahead so that you can try every step, "
        "from registering to your personal page."
    ),
    "purpose_ru": (
        "Этот диалог вымышленный: демонстрационные данные создают его на несколько недель вперёд, чтобы вы могли "
        "попробовать каждый шаг, от регистрации до своей личной страницы."
    ),
    "purpose_ky": (
        "Бул диалог ойдон чыгарылган: демо-маалыматтар аны бир нече жума алдыга түзөт, ошондо сиз ар бир кадамды, "
        "каттоодон баштап жеке барагыңызга чейин, сынап көрө аласыз."
    ),
    "city_en": "Batken",
    "city_ru": "Баткен",
    "city_ky": "Баткен",
    "address_en": "Batken, Kyrgyz Republic",
    "address_ru": "г. Баткен, Кыргызская Республика",
    "address_ky": "Баткен шаары, Кыргыз Республикасы",
    **{name: OSH_DIALOGUE[name] for name in _SAME_AS_OSH},
    # Its own colour, so that the two events are told apart at a glance.
    "colour": "#7a3e65",
}

# A short day: the three tracks between two plenaries. (hour, minute) of start
# and end; "track" is a track's order, None for everybody.
NEXT_SESSIONS = [
    {
        "track": None, "starts": (9, 0), "ends": (9, 45), **MAIN_HALL, "capacity": 60,
        "interpretation_languages": ["ky", "ru", "en"],
        "title_en": "Opening: what became of the Osh recommendations",
        "title_ru": "Открытие: что стало с рекомендациями из Оша",
        "title_ky": "Ачылыш: Оштогу сунуштар эмне болду",
    },
    {
        "track": 1, "starts": (10, 0), "ends": (12, 30), **ROOM_A, "capacity": 15,
        "interpretation_languages": ["ky", "ru"],
        "title_en": "Emergency response: what is ready for the next crisis",
        "title_ru": "Экстренное реагирование: что готово к следующему кризису",
        "title_ky": "Шашылыш жооп берүү: кийинки кризиске эмне даяр",
    },
    {
        "track": 2, "starts": (10, 0), "ends": (12, 30), **ROOM_B, "capacity": 15,
        "interpretation_languages": ["ky", "ru"],
        "title_en": "Humanitarian aid: who decides what reaches women",
        "title_ru": "Гуманитарная помощь: кто решает, что доходит до женщин",
        "title_ky": "Гуманитардык жардам: аялдарга эмне жетерин ким чечет",
    },
    {
        "track": 3, "starts": (10, 0), "ends": (12, 30), **ROOM_C, "capacity": 15,
        "interpretation_languages": ["ky", "ru"],
        "title_en": "The border: women in local peace committees",
        "title_ru": "Граница: женщины в местных комитетах мира",
        "title_ky": "Чек ара: жергиликтүү тынчтык комитеттериндеги аялдар",
    },
    {
        "track": None, "is_break": True, "starts": (12, 30), "ends": (13, 30),
        "title_en": "Lunch", "title_ru": "Обед", "title_ky": "Түшкү тамак",
    },
    {
        "track": None, "starts": (13, 30), "ends": (15, 30), **MAIN_HALL, "capacity": 60,
        "interpretation_languages": ["ky", "ru", "en"],
        "title_en": "Plenary: recommendations for the next National Action Plan, and closing",
        "title_ru": "Пленарное заседание: рекомендации для следующего Национального плана действий и закрытие",
        "title_ky": "Жалпы отурум: кийинки Улуттук иш-аракеттер планына сунуштар жана жабылыш",
    },
]

# Fictional people invited by the organisers, who have not answered yet:
# (full name, category, district, village, phone, email, preferred language).
NEXT_INVITEES = [
    ("Бермет Асанова", "Women activist", "Batken district", "Ак-Сай", "0555 301 401", "", "ky"),
    ("Гүлшайыр Мырзаева", "Member of a local council", "Leilek district", "Кулунду", "0770 302 402", "", "ky"),
    ("Наталья Ли", "Civil society", "Osh city", "", "0700 303 403", "n.li@example.org", "ru"),
]


@dataclass
class NextDialogueReport:
    event: Event
    created: list = field(default_factory=list)

    @property
    def invitee(self):
        """The first invitee, whose personal link load_demo prints."""
        return self.event.participants.filter(full_name=NEXT_INVITEES[0][0]).first()


@transaction.atomic
def load_next_dialogue(now=None):
    """Create what is missing of the next dialogue; leave whatever exists untouched, as load_demo does."""
    day = timezone.localtime(now or timezone.now(), BISHKEK).date() + datetime.timedelta(weeks=NEXT_DIALOGUE_WEEKS_AHEAD)

    def at(hour, minute=0, days=0):
        return datetime.datetime.combine(day + datetime.timedelta(days=days), datetime.time(hour, minute), BISHKEK)

    event, created = Event.objects.get_or_create(
        slug=NEXT_DIALOGUE_SLUG,
        defaults={
            **NEXT_DIALOGUE,
            "starts_at": at(9),
            "ends_at": at(15, 30),
            "registration_opens_at": at(9, days=-7 * NEXT_DIALOGUE_WEEKS_AHEAD - 1),
            "registration_closes_at": at(18, days=-NEXT_DIALOGUE_CLOSES_DAYS_BEFORE),
        },
    )
    report = NextDialogueReport(event=event)
    if created:
        report.created.append(str(event))
    for track_data in OSH_TRACKS:
        _track, created = Track.objects.get_or_create(event=event, order=track_data["order"], defaults=track_data)
        if created:
            report.created.append(f"{event.slug}: {track_data['title_en']}")
    _add_programme(event, report)
    _add_invitees(event, report)
    return report


def _add_programme(event, report):
    if event.sessions.exists():  # an organiser's agenda is theirs
        return
    tracks = {track.order: track for track in event.tracks.all()}
    facilitator = get_user_model().objects.filter(username="facilitator").first()
    day = timezone.localtime(event.starts_at, BISHKEK).date()
    for session_data in NEXT_SESSIONS:
        data = dict(session_data)
        track_order = data.pop("track")
        starts, ends = (datetime.datetime.combine(day, datetime.time(*data.pop(key)), BISHKEK) for key in ("starts", "ends"))
        session = Session.objects.create(
            event=event, track=tracks.get(track_order), starts_at=starts, ends_at=ends, **data
        )
        if facilitator and track_order == OSH_DEMO_FACILITATOR_TRACK:
            session.facilitators.add(facilitator)
        report.created.append(f"{event.slug}: {session}")


def _add_invitees(event, report):
    categories, districts = _by_english_name(event)
    for full_name, category, district, village, phone, email, language in NEXT_INVITEES:
        participant, created = Participant.objects.get_or_create(
            event=event,
            full_name=full_name,
            defaults={
                "gender": "woman",
                "category": categories[category],
                "district": districts[district],
                "village": village,
                "phone": normalise_phone(phone),
                "email": email,
                "preferred_language": language,
                "preferred_channel": Channel.WHATSAPP,
                "status": Status.INVITED,
            },
        )
        if created:
            services.record_added(participant, how="demo data")
            report.created.append(f"{event.slug}: {full_name}")
