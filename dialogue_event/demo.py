"""The Osh dialogue of 3 June 2021, as its organisers announced it, as demo data.

The English texts follow the announcement; the Russian and Kyrgyz ones are
translations of it. The venue was not announced, so the demo names the city
only. The accounts and people are fictional.
"""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.crypto import get_random_string

from agenda.models import Event, Track

from .roles import FACILITATORS, ORGANISERS, ensure_role_groups

BISHKEK = ZoneInfo("Asia/Bishkek")

OSH_DIALOGUE_SLUG = "osh-dialogue-2021"

OSH_DIALOGUE = {
    "slug": OSH_DIALOGUE_SLUG,
    "starts_at": datetime.datetime(2021, 6, 3, 9, 0, tzinfo=BISHKEK),
    "ends_at": datetime.datetime(2021, 6, 3, 17, 30, tzinfo=BISHKEK),
    "registration_opens_at": datetime.datetime(2021, 5, 17, 9, 0, tzinfo=BISHKEK),
    "registration_closes_at": datetime.datetime(2021, 6, 1, 18, 0, tzinfo=BISHKEK),
    "capacity": 60,
    "open_registration": False,
    "contact_email": "dialogue@example.org",
    "is_published": True,
    "title_en": "Consolidating society for peace, unity and development: breaking into a new era through women's leadership",
    "title_ru": "Консолидация общества во имя мира, единства и развития: прорыв в новую эпоху через лидерство женщин",
    "title_ky": "Тынчтык, биримдик жана өнүгүү үчүн коомду бириктирүү: аялдардын лидерлиги аркылуу жаңы доорго кадам",
    "theme_en": "Consolidation of society for peace, unity and development of the country: breaking to a new era through women's leadership",
    "theme_ru": "Консолидация общества во имя мира, единства и развития страны: прорыв в новую эпоху через лидерство женщин",
    "theme_ky": "Өлкөнүн тынчтыгы, биримдиги жана өнүгүүсү үчүн коомду бириктирүү: аялдардын лидерлиги аркылуу жаңы доорго кадам",
    "purpose_en": (
        "A dialogue with women leaders from the affected territories, as a platform to express women's visions "
        "and opinions on methods of conflict resolution, and to find effective approaches that contribute to "
        "long-term and sustainable peace.\n\n"
        "The event is held in a dialogue format, so that every participant can take an active part in the "
        "discussions and in drafting the recommendations."
    ),
    "purpose_ru": (
        "Диалог с женщинами-лидерами из пострадавших территорий как площадка, где женщины могут выразить своё "
        "видение и мнение о способах разрешения конфликтов и найти эффективные подходы, которые способствуют "
        "долгосрочному и устойчивому миру.\n\n"
        "Мероприятие проходит в формате диалога, чтобы каждый участник мог активно участвовать в обсуждениях и в "
        "выработке рекомендаций."
    ),
    "purpose_ky": (
        "Жабыр тарткан аймактардын аял лидерлери менен диалог: аялдар чыр-чатактарды чечүүнүн жолдору боюнча "
        "өз көз караштарын жана пикирлерин айтып, узак мөөнөттүү жана туруктуу тынчтыкка салым кошо турган "
        "натыйжалуу ыкмаларды табуучу аянтча.\n\n"
        "Иш-чара диалог түрүндө өтөт: ар бир катышуучу талкууларга жана сунуштарды иштеп чыгууга жигердүү "
        "катыша алат."
    ),
    "audience_en": (
        "About 30 women activists and members of local councils from the affected areas of Batken and Leilek "
        "districts, members of the Parliament of the Kyrgyz Republic, members of the Women MPs Forum, members of "
        "the Cabinet of Ministers of the Kyrgyz Republic, representatives of civil society and development "
        "institutions, members of the Inter-Agency Working Group on the Action Plan for the Implementation of UN "
        "Security Council Resolution 1325 \"Women, Peace and Security\", and media representatives."
    ),
    "audience_ru": (
        "Около 30 женщин-активисток и депутатов местных кенешей из пострадавших территорий Баткенского и Лейлекского "
        "районов, депутаты Жогорку Кенеша Кыргызской Республики, члены Форума женщин-депутатов, члены Кабинета "
        "Министров Кыргызской Республики, представители гражданского общества и институтов развития, члены "
        "Межведомственной рабочей группы по разработке Плана действий по реализации резолюции 1325 Совета "
        "Безопасности ООН «Женщины, мир и безопасность», а также представители СМИ."
    ),
    "audience_ky": (
        "Баткен жана Лейлек райондорунун жабыр тарткан аймактарынан 30га жакын аял активисттер жана жергиликтүү "
        "кеңештердин депутаттары, Кыргыз Республикасынын Жогорку Кеңешинин депутаттары, Аял депутаттар "
        "форумунун мүчөлөрү, Кыргыз Республикасынын Министрлер Кабинетинин мүчөлөрү, жарандык коомдун жана "
        "өнүктүрүү институттарынын өкүлдөрү, БУУнун Коопсуздук Кеңешинин «Аялдар, тынчтык жана коопсуздук» "
        "1325-резолюциясын ишке ашыруу боюнча Иш-аракеттер планын иштеп чыгуу боюнча ведомстволор аралык жумушчу "
        "топтун мүчөлөрү жана массалык маалымат каражаттарынын өкүлдөрү катышат."
    ),
    "expected_results_en": (
        "Recognition of the importance of women's participation and contribution during the emergency response "
        "to conflicts, in dispute resolution and in post-conflict reconstruction.\n\n"
        "A set of measures to ensure women's participation in political processes for conflict resolution, and "
        "recommendations for the next National Action Plan on Kyrgyzstan's obligations under UN Security Council "
        "Resolution 1325 on women's role in peace and security. The recommendations will also raise decision "
        "makers' awareness of the needs of the population of the border areas, especially women and children."
    ),
    "expected_results_ru": (
        "Признание важности участия и вклада женщин в экстренное реагирование на конфликты, в разрешение споров и "
        "в постконфликтное восстановление.\n\n"
        "Комплекс мер по обеспечению участия женщин в политических процессах по разрешению конфликтов и "
        "рекомендации для следующего Национального плана действий по выполнению обязательств Кыргызстана по "
        "резолюции 1325 Совета Безопасности ООН о роли женщин в обеспечении мира и безопасности. Рекомендации "
        "также привлекут внимание лиц, принимающих решения, к потребностям населения приграничных территорий, "
        "особенно женщин и детей."
    ),
    "expected_results_ky": (
        "Чыр-чатактарга шашылыш жооп берүүдө, талаштарды чечүүдө жана чыр-чатактан кийинки калыбына келтирүүдө "
        "аялдардын катышуусунун жана салымынын маанилүүлүгүн таануу.\n\n"
        "Аялдардын чыр-чатактарды чечүү боюнча саясий процесстерге катышуусун камсыз кылуучу чаралардын топтому "
        "жана Кыргызстандын БУУнун Коопсуздук Кеңешинин аялдардын тынчтык жана коопсуздуктагы ролу жөнүндөгү "
        "1325-резолюциясы боюнча милдеттенмелерин аткаруу боюнча кийинки Улуттук иш-аракеттер планына сунуштар. "
        "Сунуштар ошондой эле чечим кабыл алуучулардын көңүлүн чек ара аймактарынын калкынын, өзгөчө аялдар "
        "менен балдардын муктаждыктарына бурат."
    ),
    "city_en": "Osh",
    "city_ru": "Ош",
    "city_ky": "Ош",
    "address_en": "Osh, Kyrgyz Republic",
    "address_ru": "г. Ош, Кыргызская Республика",
    "address_ky": "Ош шаары, Кыргыз Республикасы",
    "host_organisation_en": "UN Women in Kyrgyzstan",
    "host_organisation_ru": "ООН-Женщины в Кыргызстане",
    "host_organisation_ky": "БУУ-Аялдар Кыргызстанда",
    "partner_organisations_en": "Rosa Otunbayeva Initiative International Public Foundation",
    "partner_organisations_ru": "Международный общественный фонд «Инициатива Розы Отунбаевой»",
    "partner_organisations_ky": "«Роза Отунбаеванын демилгеси» эл аралык коомдук фонду",
    "funder_en": "UN Peacebuilding Fund",
    "funder_ru": "Фонд миростроительства ООН",
    "funder_ky": "БУУнун Тынчтыкты бекемдөө фонду",
    "funded_project_en": "Inclusive Governance and Justice System to Prevent Violent Extremism",
    "funded_project_ru": "Инклюзивное управление и система правосудия для предотвращения насильственного экстремизма",
    "funded_project_ky": "Зордук-зомбулук экстремизмдин алдын алуу үчүн инклюзивдүү башкаруу жана сот адилеттиги системасы",
}

OSH_TRACKS = [
    {
        "order": 1,
        "colour": "#b5446e",
        "title_en": "The experience of women leaders in times of emergency response to conflict",
        "title_ru": "Опыт женщин-лидеров в период экстренного реагирования на конфликт",
        "title_ky": "Чыр-чатакка шашылыш жооп берүү мезгилиндеги аял лидерлердин тажрыйбасы",
        "description_en": "What women leaders did during the evacuation and the first days after the border clashes, and what would have helped them.",
        "description_ru": "Что делали женщины-лидеры во время эвакуации и в первые дни после столкновений на границе и что помогло бы им.",
        "description_ky": "Чек арадагы кагылышуулардан кийин эвакуация учурунда жана алгачкы күндөрү аял лидерлер эмне кылышты жана аларга эмне жардам бермек.",
    },
    {
        "order": 2,
        "colour": "#2e7d5b",
        "title_en": "Women leaders' experiences of humanitarian aid processes for affected populations",
        "title_ru": "Опыт женщин-лидеров в процессах гуманитарной помощи пострадавшему населению",
        "title_ky": "Жабыр тарткан калкка гуманитардык жардам көрсөтүү процесстериндеги аял лидерлердин тажрыйбасы",
        "description_en": "How aid reached women, children and displaced families, and how women can shape it.",
        "description_ru": "Как помощь доходила до женщин, детей и перемещённых семей и как женщины могут влиять на неё.",
        "description_ky": "Жардам аялдарга, балдарга жана көчүрүлгөн үй-бүлөлөргө кантип жеткени жана аялдар ага кантип таасир эте алары.",
    },
    {
        "order": 3,
        "colour": "#1f5f8b",
        "title_en": "Women's perspectives on conflict resolution in the border areas",
        "title_ru": "Взгляд женщин на разрешение конфликтов в приграничных районах",
        "title_ky": "Чек ара аймактарындагы чыр-чатактарды чечүүгө аялдардын көз карашы",
        "description_en": "Women's proposals for preventing and resolving conflicts at the border, for the next National Action Plan.",
        "description_ru": "Предложения женщин по предотвращению и разрешению конфликтов на границе для следующего Национального плана действий.",
        "description_ky": "Кийинки Улуттук иш-аракеттер планы үчүн чек арадагы чыр-чатактардын алдын алуу жана чечүү боюнча аялдардын сунуштары.",
    },
]

DEMO_ACCOUNTS = [
    # username, full name, email, is_staff, group
    ("organiser", "Demo Organiser", "organiser@example.org", True, ORGANISERS),
    ("facilitator", "Demo Facilitator", "facilitator@example.org", False, FACILITATORS),
]


@dataclass
class DemoReport:
    event: Event
    created: list = field(default_factory=list)
    # username -> password, only for accounts whose password was set now
    passwords: dict = field(default_factory=dict)


@transaction.atomic
def load_demo(reset_passwords=False):
    """Create what is missing of the demo; leave whatever exists untouched.

    An organiser may have edited the demo event while trying the application,
    so a second run must not overwrite it.
    """
    ensure_role_groups()
    event, event_created = Event.objects.get_or_create(slug=OSH_DIALOGUE_SLUG, defaults=OSH_DIALOGUE)
    report = DemoReport(event=event)
    if event_created:
        report.created.append(str(event))
    for track_data in OSH_TRACKS:
        track, created = Track.objects.get_or_create(event=event, order=track_data["order"], defaults=track_data)
        if created:
            report.created.append(str(track))

    User = get_user_model()
    for username, full_name, email, is_staff, group_name in DEMO_ACCOUNTS:
        first_name, last_name = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name, "email": email, "is_staff": is_staff},
        )
        if created or reset_passwords:
            password = get_random_string(16)
            user.set_password(password)
            user.save(update_fields=["password"])
            report.passwords[username] = password
        if created:
            user.groups.add(Group.objects.get(name=group_name))
            report.created.append(username)
    return report
