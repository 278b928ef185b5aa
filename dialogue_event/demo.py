"""The Osh dialogue of 3 June 2021, as its organisers announced it, as demo data.

The English texts follow the announcement; the Russian and Kyrgyz ones are
translations of it. The venue was not announced, so the demo names the city
only. The accounts and people, and the sessions' reports and recommendations,
are fictional.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.crypto import get_random_string

from agenda.models import Event, Session, Track
from participants import services
from participants.models import Category, Channel, ConsentKind, ConsentMethod, District, Participant, Status
from participants.validators import normalise_phone

from .roles import DOOR_STAFF, FACILITATORS, ORGANISERS, ensure_role_groups

BISHKEK = ZoneInfo("Asia/Bishkek")

OSH_DIALOGUE_SLUG = "osh-dialogue-2021"

OSH_DIALOGUE = {
    "slug": OSH_DIALOGUE_SLUG,
    "starts_at": datetime.datetime(2021, 6, 3, 9, 0, tzinfo=BISHKEK),
    "ends_at": datetime.datetime(2021, 6, 3, 17, 30, tzinfo=BISHKEK),
    "registration_opens_at": datetime.datetime(2021, 5, 17, 9, 0, tzinfo=BISHKEK),
    "registration_closes_at": datetime.datetime(2021, 6, 1, 18, 0, tzinfo=BISHKEK),
    "capacity": 23,
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
    # A colour of its own, and no logo: a demo never shows a real organisation's logo file.
    "colour": "#1d5b79",
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

def _at(hour, minute=0):
    return datetime.datetime(2021, 6, 3, hour, minute, tzinfo=BISHKEK)


# The rooms, as their doors would name them in each language (the English
# name is what tells the rooms apart).
MAIN_HALL = {"room_en": "Main hall", "room_ru": "Большой зал", "room_ky": "Чоң зал"}
ROOM_A = {"room_en": "Room A", "room_ru": "Зал A", "room_ky": "A залы"}
ROOM_B = {"room_en": "Room B", "room_ru": "Зал B", "room_ky": "B залы"}
ROOM_C = {"room_en": "Room C", "room_ru": "Зал C", "room_ky": "C залы"}

# The day's programme: the announcement gives its shape (a dialogue in three
# tracks that ends in recommendations); the times and rooms are the demo's own,
# since only the day was announced. "track" is a track's order, None for all.
OSH_SESSIONS = [
    {
        "track": None, "starts_at": _at(9), "ends_at": _at(10), **MAIN_HALL, "capacity": 60,
        "interpretation_languages": ["ky", "ru", "en"],
        "title_en": "Opening: why women's voices matter for peace",
        "title_ru": "Открытие: почему голос женщин важен для мира",
        "title_ky": "Ачылыш: аялдардын үнү тынчтык үчүн эмне үчүн маанилүү",
        "description_en": "Welcome from UN Women and the Rosa Otunbayeva Initiative, the purpose of the dialogue and how the day will work.",
        "description_ru": "Приветствие ООН-Женщины и Инициативы Розы Отунбаевой, цель диалога и порядок работы в течение дня.",
        "description_ky": "БУУ-Аялдар жана Роза Отунбаеванын демилгесинин куттуктоосу, диалогдун максаты жана күндүн тартиби.",
    },
    {
        "track": 1, "starts_at": _at(10, 15), "ends_at": _at(12, 30), **ROOM_A, "capacity": 15,
        "interpretation_languages": ["ky", "ru"],
        "title_en": "Stories from the evacuation: what women leaders did",
        "title_ru": "Истории эвакуации: что делали женщины-лидеры",
        "title_ky": "Эвакуациянын окуялары: аял лидерлер эмне кылышты",
    },
    {
        "track": 2, "starts_at": _at(10, 15), "ends_at": _at(12, 30), **ROOM_B, "capacity": 15,
        "interpretation_languages": ["ky", "ru"],
        "title_en": "How aid reached women, children and displaced families",
        "title_ru": "Как помощь доходила до женщин, детей и перемещённых семей",
        "title_ky": "Жардам аялдарга, балдарга жана көчүрүлгөн үй-бүлөлөргө кантип жетти",
    },
    {
        "track": 3, "starts_at": _at(10, 15), "ends_at": _at(12, 30), **ROOM_C, "capacity": 15,
        "interpretation_languages": ["ky", "ru"],
        "title_en": "Women's voices on the border disputes",
        "title_ru": "Голос женщин о пограничных спорах",
        "title_ky": "Чек ара талаштары боюнча аялдардын үнү",
    },
    {
        "track": None, "is_break": True, "starts_at": _at(12, 30), "ends_at": _at(13, 30),
        "title_en": "Lunch", "title_ru": "Обед", "title_ky": "Түшкү тамак",
    },
    {
        "track": 1, "starts_at": _at(13, 30), "ends_at": _at(15), **ROOM_A, "capacity": 15,
        "interpretation_languages": ["ky", "ru"],
        "title_en": "Recommendations on emergency response",
        "title_ru": "Рекомендации по экстренному реагированию",
        "title_ky": "Шашылыш жооп берүү боюнча сунуштар",
    },
    {
        "track": 2, "starts_at": _at(13, 30), "ends_at": _at(15), **ROOM_B, "capacity": 15,
        "interpretation_languages": ["ky", "ru"],
        "title_en": "Recommendations on humanitarian aid",
        "title_ru": "Рекомендации по гуманитарной помощи",
        "title_ky": "Гуманитардык жардам боюнча сунуштар",
    },
    {
        "track": 3, "starts_at": _at(13, 30), "ends_at": _at(15), **ROOM_C, "capacity": 15,
        "interpretation_languages": ["ky", "ru"],
        "title_en": "Recommendations for the next National Action Plan",
        "title_ru": "Рекомендации для следующего Национального плана действий",
        "title_ky": "Кийинки Улуттук иш-аракеттер планына сунуштар",
    },
    {
        "track": None, "starts_at": _at(15, 15), "ends_at": _at(16, 45), **MAIN_HALL, "capacity": 60,
        "interpretation_languages": ["ky", "ru", "en"],
        "title_en": "Plenary: each track presents its recommendations",
        "title_ru": "Пленарное заседание: каждое направление представляет свои рекомендации",
        "title_ky": "Жалпы отурум: ар бир багыт өз сунуштарын тааныштырат",
        "description_en": "The rapporteur of each track presents its recommendations; the participants discuss and approve them together.",
        "description_ru": "Докладчик каждого направления представляет его рекомендации; участники вместе обсуждают и одобряют их.",
        "description_ky": "Ар бир багыттын баяндамачысы анын сунуштарын тааныштырат; катышуучулар аларды чогуу талкуулап, жактырышат.",
    },
    {
        "track": None, "starts_at": _at(16, 45), "ends_at": _at(17, 30), **MAIN_HALL, "capacity": 60,
        "interpretation_languages": ["ky", "ru", "en"],
        "title_en": "Closing: the next steps for the recommendations",
        "title_ru": "Закрытие: дальнейшие шаги по рекомендациям",
        "title_ky": "Жабылыш: сунуштар боюнча кийинки кадамдар",
    },
]

# The demo facilitator leads the first track's two sessions.
OSH_DEMO_FACILITATOR_TRACK = 1

# Fictional people. (full name, gender, category, district or town, village,
# organisation, position, phone, email, preferred language, status)
OSH_INVITEES = [
    ("Айгүл Токтосунова", "woman", "Women activist", "Leilek district", "Кара-Бак", "Women's council of Kara-Bak", "Chair", "0555 101 201", "", "ky", "registered"),
    ("Жылдыз Абдыкадырова кызы", "woman", "Women activist", "Batken district", "Ак-Сай", "", "", "0770 102 202", "", "ky", "registered"),
    ("Гүлнара Эсенбаева", "woman", "Women activist", "Batken district", "Кара-Бак", "Community mediation group", "Mediator", "0700 103 203", "gulnara.esenbaeva@example.org", "ky", "registered"),
    ("Назгүл Ормонова", "woman", "Women activist", "Leilek district", "Кулунду", "", "", "0555 104 204", "", "ky", "registered"),
    ("Бурулай Сапарова", "woman", "Women activist", "Kadamjay district", "Халмион", "Youth centre", "Coordinator", "0772 105 205", "burulai.saparova@example.org", "ru", "registered"),
    ("Замира Юлдашева", "woman", "Women activist", "Leilek district", "Исфана", "", "", "0557 106 206", "", "ru", "registered"),
    ("Мээрим Жумабаева", "woman", "Women activist", "Batken town", "", "Women's crisis centre", "Psychologist", "0708 107 207", "meerim.j@example.org", "ky", "waitlisted"),
    ("Асель Кадырова", "woman", "Women activist", "Leilek district", "Катраң", "", "", "0550 108 208", "", "ky", "invited"),
    ("Чолпон Алымкулова", "woman", "Member of a local council", "Batken district", "Ак-Сай", "Ak-Sai aiyl kenesh", "Deputy", "0555 109 209", "", "ky", "registered"),
    ("Динара Мамытова", "woman", "Member of a local council", "Leilek district", "Кулунду", "Kulundu aiyl kenesh", "Deputy", "0770 110 210", "dinara.mamytova@example.org", "ky", "registered"),
    ("Сабина Исмаилова", "woman", "Member of a local council", "Leilek district", "Исфана", "Isfana town kenesh", "Deputy", "0700 111 211", "", "ru", "registered"),
    ("Нуржан Бекова", "woman", "Member of a local council", "Batken district", "Самаркандек", "Samarkandek aiyl kenesh", "Deputy", "0555 112 212", "", "ky", "registered"),
    ("Айжамал Ташиева", "woman", "Member of a local council", "Kadamjay district", "Орозбеков", "Orozbekov aiyl kenesh", "Deputy", "0772 113 213", "", "ky", "declined"),
    ("Эльмира Турдуматова", "woman", "Member of a local council", "Leilek district", "Кара-Булак", "Kara-Bulak aiyl kenesh", "Deputy", "0557 114 214", "", "ky", "registered"),
    ("Гүлзат Маматова", "woman", "Member of a local council", "Batken district", "Кара-Бак", "Kara-Bak aiyl kenesh", "Deputy", "0708 115 215", "", "ky", "waitlisted"),
    ("Салтанат Осмонова", "woman", "Member of a local council", "Leilek district", "Арка", "Arka aiyl kenesh", "Deputy", "0550 116 216", "", "ky", "invited"),
    ("Венера Сыдыкова", "woman", "Member of Parliament", "Bishkek city", "", "Jogorku Kenesh", "Member of Parliament", "0555 117 217", "v.sydykova@example.org", "ru", "registered"),
    ("Талант Мамбетов", "man", "Member of Parliament", "Bishkek city", "", "Jogorku Kenesh", "Member of Parliament", "0770 118 218", "t.mambetov@example.org", "ru", "declined"),
    ("Айнура Осмоналиева", "woman", "Women MPs Forum", "Bishkek city", "", "Women MPs Forum", "Secretariat", "0700 119 219", "a.osmonalieva@example.org", "ru", "registered"),
    ("Бактыгүл Шамшиева", "woman", "Women MPs Forum", "Osh city", "", "Women MPs Forum", "Member", "0555 120 220", "b.shamshieva@example.org", "ky", "registered"),
    ("Эркин Абдраимов", "man", "Cabinet of Ministers", "Bishkek city", "", "Ministry of Labour and Social Development", "Head of gender policy unit", "0772 121 221", "e.abdraimov@example.org", "ru", "registered"),
    ("Анара Бообекова", "woman", "Cabinet of Ministers", "Bishkek city", "", "Ministry of Emergency Situations", "Deputy head of department", "0557 122 222", "a.boobekova@example.org", "ru", "registered"),
    ("Ольга Ким", "woman", "Civil society", "Osh city", "", "Women's rights NGO", "Director", "0708 123 223", "olga.kim@example.org", "ru", "registered"),
    ("Малика Тоирова", "woman", "Civil society", "Osh city", "", "Human rights centre", "Lawyer", "0550 124 224", "malika.toirova@example.org", "ru", "registered"),
    ("Рахат Исаева", "woman", "Civil society", "Batken town", "", "Border communities network", "Coordinator", "0555 125 225", "", "ky", "invited"),
    ("Sarah Lindqvist", "woman", "Development partner", "Bishkek city", "", "A bilateral development agency", "Programme officer", "", "s.lindqvist@example.org", "en", "registered"),
    ("Daniyar Omurzakov", "man", "Development partner", "Bishkek city", "", "A UN agency", "Peace and development analyst", "0770 127 227", "d.omurzakov@example.org", "en", "registered"),
    ("Айсулуу Турсунбаева", "woman", "Inter-agency working group on NAP 1325", "Bishkek city", "", "Inter-agency working group on NAP 1325", "Member", "0700 128 228", "a.tursunbaeva@example.org", "ru", "registered"),
    ("Гүлмира Касымова", "woman", "Inter-agency working group on NAP 1325", "Bishkek city", "", "Ministry of Internal Affairs", "Gender adviser", "0555 129 229", "g.kasymova@example.org", "ru", "registered"),
    ("Азамат Токтогулов", "man", "Media", "Osh city", "", "Regional television", "Journalist", "0772 130 230", "a.toktogulov@example.org", "ky", "registered"),
    ("Элеонора Абдиева", "woman", "Media", "Osh city", "", "Online news agency", "Correspondent", "0557 131 231", "e.abdieva@example.org", "ru", "invited"),
]

DEMO_ACCOUNTS = [
    # username, full name, email, is_staff, group
    ("organiser", "Demo Organiser", "organiser@example.org", True, ORGANISERS),
    ("facilitator", "Demo Facilitator", "facilitator@example.org", False, FACILITATORS),
    ("door", "Demo Door", "door@example.org", False, DOOR_STAFF),
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

    _add_invitees(event, report)

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

    _add_programme(event, report)
    _add_arrivals(event, report)
    _add_results(event, report)
    return report


# The morning of the dialogue: most of those registered came, checked in at the
# door between 8:35 and 9:20; these did not come, so the door page still has
# people to check in and the report shows who was missing.
OSH_NO_SHOWS = 4
OSH_WALK_INS = [
    # name, gender, category, district, phone
    ("Салтанат Жумабаева", "woman", "Member of a local council", "Batken district", "0700 140 240"),
    ("Нургуль Орозова", "woman", "Civil society", "Osh city", "0555 141 241"),
]


def _add_arrivals(event, report):
    if event.participants.filter(status=Status.ATTENDED).exists():
        return
    door = get_user_model().objects.filter(username="door").first()
    registered = list(event.participants.filter(status=Status.REGISTERED).order_by("pk"))
    for minute, participant in enumerate(registered[:-OSH_NO_SHOWS]):
        at = _at(8, 35) + datetime.timedelta(minutes=2 * minute)
        services.check_in(participant, by=door, at=at, now=at)
    categories, districts = _by_english_name(event)
    for number, (full_name, gender, category, district, phone) in enumerate(OSH_WALK_INS):
        walk_in = Participant(
            full_name=full_name,
            gender=gender,
            category=categories[category],
            district=districts[district],
            phone=normalise_phone(phone),
        )
        key = uuid.uuid5(uuid.NAMESPACE_URL, f"osh-demo-walk-in-{number}")
        services.add_walk_in(event, walk_in, by=door, key=key, at=_at(9, 10 + number), now=_at(9, 10 + number))
    report.created.append(f"{len(registered) - OSH_NO_SHOWS} check-ins and {len(OSH_WALK_INS)} walk-ins")


def _add_programme(event, report):
    # The programme is laid down once: an organiser who moved or removed a
    # session keeps the agenda they made.
    if event.sessions.exists():
        return
    tracks = {track.order: track for track in event.tracks.all()}
    facilitator = get_user_model().objects.filter(username="facilitator").first()
    for session_data in OSH_SESSIONS:
        data = dict(session_data)
        track_order = data.pop("track")
        session = Session.objects.create(event=event, track=tracks.get(track_order), **data)
        if facilitator and track_order == OSH_DEMO_FACILITATOR_TRACK:
            session.facilitators.add(facilitator)
        report.created.append(str(session))


# The invitee the demo marks at risk (a registered one, so she shows on the facilitators' page).
OSH_AT_RISK_INVITEE = 3


def _by_english_name(event):
    """The event's categories and the districts, by their English names, as the demo's lists give them."""
    categories = {category.name_en: category for category in Category.objects.filter(event=event)}
    return categories, {district.name_en: district for district in District.objects.all()}


def _add_invitees(event, report):
    categories, districts = _by_english_name(event)
    tracks = list(event.tracks.order_by("order"))
    for number, (
        full_name, gender, category, district, village, organisation, position, phone, email, language, status,
    ) in enumerate(OSH_INVITEES):  # fmt: skip
        participant, created = Participant.objects.get_or_create(
            event=event,
            full_name=full_name,
            defaults={
                "gender": gender,
                "category": categories[category],
                "district": districts[district],
                "village": village,
                "organisation": organisation,
                "position": position,
                "phone": normalise_phone(phone) if phone else "",
                "email": email,
                "preferred_language": language,
                "preferred_channel": Channel.EMAIL if email and not phone else Channel.WHATSAPP,
                "status": status,
                # Those who answered chose a track, in turn, so each track has its people.
                "track": tracks[number % len(tracks)] if status in ("registered", "waitlisted") else None,
                "registered_at": event.registration_opens_at if status in ("registered", "waitlisted") else None,
                "invitation_sent_at": event.registration_opens_at,
                # One woman the organisers protect: facilitators see her as "a participant, not named".
                "at_risk": number == OSH_AT_RISK_INVITEE,
            },
        )
        if created:
            services.record_added(participant, how="demo data")
            if participant.holds_seat or participant.is_signed_up:
                services.record_consents(
                    participant, _demo_consents(number), language=language, method=ConsentMethod.PAPER, earlier={}
                )
            report.created.append(full_name)


def _demo_consents(number):
    # As a real list turns out: everyone agrees to the processing of her data,
    # most to photographs, fewer to being named or quoted in the media, so
    # that the facilitators' page and the quotes show each case.
    return {
        ConsentKind.DATA_PROCESSING: True,
        ConsentKind.PHOTOGRAPHY: number % 3 != 0,
        ConsentKind.MEDIA: number % 2 == 0,
    }


# What the facilitators wrote down after each track session, and what the
# plenary said: fictional, in Russian, as facilitators in Osh write.
# Session keys are (track order, English title); counts are women, men.
OSH_REPORTS = {
    (1, "Stories from the evacuation: what women leaders did"): (
        "Женщины — депутаты айыл кенешей и активистки первыми организовали эвакуацию детей, пожилых людей и людей "
        "с инвалидностью из сёл Лейлекского и Баткенского районов; списки семей составляли от руки.\n"
        "Сообщения об эвакуации приходили с опозданием. Связь держалась через группы в WhatsApp, которые вели сами "
        "женщины.\n"
        "Женщин не включали в районные штабы по чрезвычайным ситуациям, хотя они знали, где находится каждая семья.",
        11, 1,
    ),
    (1, "Recommendations on emergency response"): (
        "Участницы согласовали рекомендации об участии женщин в штабах ЧС, о раннем оповещении на трёх языках и о "
        "заблаговременных списках людей, которым нужна помощь при эвакуации.\n"
        "Предложение о вознаграждении волонтёров из бюджета обсуждали отдельно.",
        10, 2,
    ),
    (2, "How aid reached women, children and displaced families"): (
        "Помощь распределяли по спискам глав домохозяйств: семьи, где глава — женщина, и семьи, жившие у "
        "родственников, часто оставались без помощи.\n"
        "Не хватало средств гигиены для женщин и девочек и психологической поддержки детей.\n"
        "Жители не знали, кто и по каким критериям составляет списки получателей.",
        8, 2,
    ),
    (2, "Recommendations on humanitarian aid"): (
        "Группа предложила порядок составления списков с участием женщин и открытые критерии распределения помощи, "
        "а также наборы гигиены и психологическую помощь в каждом пострадавшем селе.",
        8, 1,
    ),
    (3, "Women's voices on the border disputes"): (
        "Женщины приграничных сёл не участвуют в переговорах о границе, воде и пастбищах, хотя споры из-за воды и "
        "дорог затрагивают их семьи первыми.\n"
        "Женщины-медиаторы уже гасили конфликты на уровне сёл, но их работа нигде не признана.",
        9, 3,
    ),
    (3, "Recommendations for the next National Action Plan"): (
        "Рекомендации для следующего Национального плана действий: квота для женщин в рабочих группах по границе, "
        "сеть женщин-медиаторов и отдельная задача плана для приграничных территорий Баткенской области.",
        9, 2,
    ),
    (None, "Plenary: each track presents its recommendations"): (
        "Докладчики трёх направлений представили рекомендации. Участники одобрили их с поправками; повторяющиеся "
        "предложения об отдельных нуждах женщин и девочек объединены.",
        25, 5,
    ),
}

# Fictional recommendations, as the facilitators wrote them down. The keys
# name the session as above; "fate" is what the organisers decided:
# "accept", "submit" (still to review), ("merge", key of the one kept) or
# ("not_retain", reason). Measures are in the language the recommendation was said in.
OSH_RECOMMENDATIONS = [
    {
        "key": "headquarters",
        "session": (1, "Recommendations on emergency response"),
        "language": "ru",
        "text": "Включить женщин — депутатов айыл кенешей и представительниц женских советов в состав районных и "
        "областных штабов по чрезвычайным ситуациям в Баткенской области.",
        "translation_en": "Include women members of aiyl keneshes and of women's councils in the district and oblast "
        "emergency headquarters of Batken oblast.",
        "translation_ky": "Баткен облусундагы райондук жана облустук өзгөчө кырдаалдар штабдарынын курамына айыл "
        "кеңештеринин аял депутаттарын жана аялдар кеңештеринин өкүлдөрүн киргизүү.",
        "measure": "Внести изменения в положения о штабах ЧС: не менее 30 % членов — женщины, в том числе из "
        "пострадавших сёл.",
        "indicator": "Доля женщин в составе штабов ЧС Баткенского, Лейлекского и Кадамжайского районов.",
        "area": "1",
        "addressees": ["Cabinet of Ministers", "Local self-government and local councils"],
        "target_groups": ["Women members of local councils", "Border communities"],
        "geographic_scope": "oblast", "place": "Баткенская область", "priority": "high", "timeframe": "six_months",
        "fate": "accept",
    },
    {
        "key": "early-warning",
        "session": (1, "Recommendations on emergency response"),
        "language": "ru",
        "text": "Создать систему раннего оповещения об эвакуации по SMS и WhatsApp на кыргызском, русском и узбекском "
        "языках, с женщиной-координатором в каждом айылном аймаке.",
        "translation_en": "Set up early warning of evacuations by SMS and WhatsApp in Kyrgyz, Russian and Uzbek, with "
        "a woman coordinator in each aiyl aimak.",
        "measure": "Разработать протокол оповещения с рассылкой SMS (без мобильного интернета) и назначить "
        "координатора в каждом айылном аймаке приграничных районов.",
        "indicator": "Время от решения об эвакуации до получения сообщения жителями; число айылных аймаков с "
        "координатором.",
        "area": "2",
        "addressees": ["Ministries and state agencies", "Local self-government and local councils"],
        "target_groups": ["Border communities", "Women"],
        "geographic_scope": "district", "place": "Баткенский и Лейлекский районы", "priority": "high",
        "timeframe": "one_year",
        "fate": "accept",
    },
    {
        "key": "evacuation-lists",
        "session": (1, "Recommendations on emergency response"),
        "language": "ky",
        "text": "Эвакуация учурунда жардамга муктаж болгон майыптыгы бар адамдарды, кош бойлуу аялдарды жана "
        "карыларды алдын ала тизмеге алып, аларга транспорт бекитүү.",
        "translation_en": "Keep advance lists of persons with disabilities, pregnant women and older people who need "
        "help in an evacuation, and assign transport to them.",
        "translation_ru": "Заранее составлять списки людей с инвалидностью, беременных женщин и пожилых людей, "
        "которым нужна помощь при эвакуации, и закреплять за ними транспорт.",
        "measure": "Ар бир айыл өкмөтү тизмени жылына бир жолу жаңылап, транспорт планын Өзгөчө кырдаалдар "
        "министрлиги менен макулдашат.",
        "indicator": "Тизмеси жана транспорт планы бар айыл аймактарынын саны.",
        "area": "3",
        "addressees": ["Local self-government and local councils"],
        "target_groups": ["Persons with disabilities", "Women"],
        "geographic_scope": "district", "place": "Лейлек району", "priority": "medium", "timeframe": "one_year",
        "fate": "accept",
    },
    {
        "key": "volunteer-pay",
        "session": (1, "Stories from the evacuation: what women leaders did"),
        "language": "ru",
        "text": "Выплачивать женщинам-волонтёрам, помогавшим при эвакуации, ежемесячное вознаграждение из "
        "республиканского бюджета.",
        "translation_en": "Pay the women volunteers who helped in the evacuation a monthly allowance from the "
        "national budget.",
        "area": "4",
        "addressees": ["Cabinet of Ministers"],
        "target_groups": ["Women"],
        "geographic_scope": "national", "priority": "low",
        "fate": ("not_retain", "Оплата волонтёров выходит за рамки Национального плана действий; участники "
                 "пленарного заседания предложили передать вопрос местным кенешам."),
    },
    {
        "key": "aid-lists",
        "session": (2, "Recommendations on humanitarian aid"),
        "language": "ru",
        "text": "Составлять списки получателей гуманитарной помощи с участием женщин-депутатов и женских советов, "
        "включая семьи, где глава — женщина, и семьи, живущие у родственников.",
        "translation_en": "Draw up the lists of those who receive humanitarian aid together with women deputies and "
        "women's councils, including households headed by women and families staying with relatives.",
        "translation_ky": "Гуманитардык жардам алуучулардын тизмесин аял депутаттардын жана аялдар кеңештеринин "
        "катышуусу менен түзүү, анын ичинде башчысы аял болгон жана туугандарында жашаган үй-бүлөлөрдү кошуу.",
        "measure": "Утвердить порядок составления списков получателей помощи с обязательным участием женщин и "
        "публикацией критериев в каждом айылном аймаке.",
        "indicator": "Доля домохозяйств, возглавляемых женщинами, среди получателей помощи; число жалоб на списки.",
        "area": "4",
        "addressees": ["Cabinet of Ministers", "Local self-government and local councils"],
        "target_groups": ["Women", "People displaced by conflict"],
        "geographic_scope": "oblast", "place": "Баткенская область", "priority": "high", "timeframe": "six_months",
        "fate": "accept",
    },
    {
        "key": "hygiene-and-care",
        "session": (2, "Recommendations on humanitarian aid"),
        "language": "ru",
        "text": "Включать в наборы гуманитарной помощи средства гигиены для женщин и девочек и обеспечить "
        "психологическую помощь детям и женщинам в пострадавших сёлах.",
        "translation_en": "Include hygiene items for women and girls in every aid package, and provide psychological "
        "support to children and women in the affected villages.",
        "measure": "Стандарт состава гуманитарного набора; мобильные группы психологов в пострадавших айылных аймаках.",
        "indicator": "Доля наборов со средствами гигиены; число детей и женщин, получивших психологическую помощь.",
        "area": "4",
        "addressees": ["Ministries and state agencies", "International partners"],
        "target_groups": ["Women", "Girls", "Children"],
        "geographic_scope": "district", "place": "Баткенский и Лейлекский районы", "priority": "high",
        "timeframe": "ongoing",
        "fate": "accept",
    },
    {
        "key": "hygiene-kits",
        "session": (2, "How aid reached women, children and displaced families"),
        "language": "ru",
        "text": "Обеспечить гигиенические наборы для женщин и девочек в каждом пакете гуманитарной помощи.",
        "area": "4",
        "addressees": ["International partners"],
        "target_groups": ["Women", "Girls"],
        "geographic_scope": "district", "priority": "medium",
        "fate": ("merge", "hygiene-and-care"),
    },
    {
        "key": "border-working-groups",
        "session": (3, "Recommendations for the next National Action Plan"),
        "language": "en",
        "text": "Guarantee that at least 30 % of the members of the government's working groups on the border and "
        "of the local conflict-prevention councils are women from the border communities.",
        "translation_ru": "Гарантировать, что не менее 30 % членов правительственных рабочих групп по границе и "
        "местных советов по профилактике конфликтов составляют женщины из приграничных сообществ.",
        "translation_ky": "Өкмөттүн чек ара боюнча жумушчу топторунун жана жергиликтүү чыр-чатактардын алдын алуу "
        "кеңештеринин мүчөлөрүнүн жок дегенде 30 пайызы чек ара жамааттарынын аялдары болушун камсыз кылуу.",
        "measure": "Amend the regulations of the working groups and councils; the Women MPs Forum follows this up in "
        "parliamentary hearings.",
        "indicator": "Share of women in the working groups and councils, reported every half-year.",
        "area": "1",
        "addressees": ["Parliament (Jogorku Kenesh)", "Cabinet of Ministers"],
        "target_groups": ["Women", "Border communities"],
        "geographic_scope": "national", "priority": "high", "timeframe": "plan_period",
        "fate": "accept",
    },
    {
        "key": "mediators",
        "session": (3, "Recommendations for the next National Action Plan"),
        "language": "ky",
        "text": "Чек ара айылдарында аял медиаторлордун тармагын түзүп, аларды аксакалдар соттору жана "
        "профилактика кеңештери менен бирге окутуу.",
        "translation_en": "Set up a network of women mediators in the border villages and train them together with the "
        "elders' courts and the prevention councils.",
        "translation_ru": "Создать сеть женщин-медиаторов в приграничных сёлах и обучать их вместе с судами "
        "аксакалов и советами профилактики.",
        "measure": "Жыл сайын ар бир чек ара айыл аймагында медиация боюнча окуу өткөрүү.",
        "indicator": "Окуудан өткөн аял медиаторлордун саны; алар чечкен талаштардын саны.",
        "area": "2",
        "addressees": ["Local self-government and local councils", "Civil society", "International partners"],
        "target_groups": ["Women", "Youth", "Border communities"],
        "geographic_scope": "district", "place": "Лейлек жана Баткен райондору", "priority": "medium",
        "timeframe": "one_year",
        "fate": "accept",
    },
    {
        "key": "nap-border-task",
        "session": (3, "Recommendations for the next National Action Plan"),
        "language": "ru",
        "text": "Включить в следующий Национальный план действий по резолюции 1325 отдельную задачу для приграничных "
        "территорий Баткенской области, с ответственными органами и сроками.",
        "translation_en": "Give the border areas of Batken oblast a task of their own in the next National Action Plan "
        "on Resolution 1325, with responsible bodies and deadlines.",
        "measure": "Межведомственная рабочая группа вносит задачу в проект плана после обсуждения с жителями.",
        "indicator": "Задача и её мероприятия включены в утверждённый план.",
        "area": "2",
        "addressees": ["Cabinet of Ministers"],
        "target_groups": ["Border communities"],
        "geographic_scope": "national", "priority": "high", "timeframe": "plan_period",
        "fate": "accept",
    },
    {
        "key": "cross-border-dialogue",
        "session": (3, "Women's voices on the border disputes"),
        "language": "ru",
        "text": "Проводить ежегодную встречу женщин приграничных сёл по обе стороны границы для обсуждения вопросов "
        "воды, пастбищ и дорог.",
        "translation_en": "Hold a yearly meeting of women from the border villages on both sides of the border on "
        "water, pastures and roads.",
        "area": "2",
        "addressees": ["Civil society", "International partners"],
        "target_groups": ["Women", "Border communities"],
        "geographic_scope": "district", "priority": "medium", "timeframe": "ongoing",
        "fate": "submit",
    },
]


def _add_results(event, report):
    """The sessions' reports and recommendations, moved through the organisers' review as the services do it.

    Added once: an organiser who has started reviewing keeps their decisions.
    """
    from recommendations import services as results
    from recommendations.models import Addressee, Framework, Recommendation, SessionReport, TargetGroup

    User = get_user_model()
    facilitator = User.objects.filter(username="facilitator").first()
    organiser = User.objects.filter(username="organiser").first()
    if organiser is None or not organiser.has_perm("recommendations.review"):
        return
    sessions = {
        (session.track.order if session.track else None, session.title_en): session
        for session in event.sessions.select_related("track")
    }

    def writer(session):
        return facilitator if facilitator and session.facilitators.filter(pk=facilitator.pk).exists() else organiser

    for key, (key_points, women, men) in OSH_REPORTS.items():
        session = sessions.get(key)
        if session is None or SessionReport.objects.filter(session=session).exists():
            continue
        results.save_report(session, by=writer(session), key_points=key_points, women_count=women, men_count=men)
        report.created.append(f"report: {session}")

    if Recommendation.objects.for_event(event).exists():
        return
    framework = Framework.for_event(event)
    areas = {area.number: area for area in framework.areas.all()} if framework else {}
    addressees = {addressee.name_en: addressee for addressee in Addressee.objects.all()}
    groups = {group.name_en: group for group in TargetGroup.objects.all()}
    added = {}
    for data in OSH_RECOMMENDATIONS:
        data = dict(data)
        session = sessions.get(data.pop("session"))
        if session is None:
            continue
        key, fate, area = data.pop("key"), data.pop("fate"), data.pop("area")
        recommendation = results.add_recommendation(
            session,
            by=writer(session),
            framework_area=areas.get(area),
            addressees=[addressees[name] for name in data.pop("addressees") if name in addressees],
            target_groups=[groups[name] for name in data.pop("target_groups") if name in groups],
            **data,
        )
        recommendation = results.submit(recommendation, by=writer(session))
        if fate == "accept":
            recommendation = results.accept(recommendation, by=organiser)
        elif fate != "submit" and fate[0] == "not_retain":
            recommendation = results.not_retain(recommendation, by=organiser, reason=fate[1])
        elif fate != "submit" and fate[0] == "merge" and fate[1] in added:
            recommendation = results.merge(recommendation, into=added[fate[1]], by=organiser)
        added[key] = recommendation
        report.created.append(f"recommendation: {recommendation}")
