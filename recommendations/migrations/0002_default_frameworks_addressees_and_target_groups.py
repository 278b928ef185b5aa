"""The frameworks, addressees and target groups every installation starts with.

Organisers edit addressees and target groups in the admin; a new plan is
added as a new framework, so this seed never has to change.
"""

from django.db import migrations

FRAMEWORKS = [
    {
        "slug": "unscr-1325-pillars",
        "is_default": True,
        "valid_from": 2000,
        "valid_until": None,
        "name": (
            "UN Security Council Resolution 1325: the four pillars",
            "Резолюция Совета Безопасности ООН 1325: четыре основы",
            "БУУнун Коопсуздук Кеңешинин 1325-резолюциясы: төрт негиз",
        ),
        "short_name": ("Resolution 1325 pillars", "Основы резолюции 1325", "1325-резолюциянын негиздери"),
        "areas": [
            ("1", ("Participation", "Участие", "Катышуу")),
            ("2", ("Prevention", "Предотвращение", "Алдын алуу")),
            ("3", ("Protection", "Защита", "Коргоо")),
            ("4", ("Relief and recovery", "Помощь и восстановление", "Жардам жана калыбына келтирүү")),
        ],
    },
    {
        "slug": "kyrgyzstan-nap-2018-2020",
        "is_default": False,
        "valid_from": 2018,
        "valid_until": 2020,
        "name": (
            "Kyrgyzstan's National Action Plan on Resolution 1325, 2018–2020",
            "Национальный план действий Кыргызской Республики по реализации резолюции 1325 на 2018–2020 годы",
            "Кыргыз Республикасынын 1325-резолюцияны ишке ашыруу боюнча 2018–2020-жылдарга Улуттук иш-аракеттер планы",
        ),
        "short_name": ("Kyrgyzstan NAP 2018–2020", "НПД Кыргызстана 2018–2020", "Кыргызстандын УИП 2018–2020"),
        "areas": [
            (
                "1",
                (
                    "Women's participation, including at decision-making level",
                    "Участие женщин, в том числе на уровне принятия решений",
                    "Аялдардын, анын ичинде чечим кабыл алуу деңгээлинде катышуусу",
                ),
            ),
            (
                "2",
                (
                    "Government, local governments and civil society working together to prevent conflict and "
                    "violence against women and girls, and to deal with the effects of crises",
                    "Взаимодействие государственных органов, органов местного самоуправления и гражданского общества "
                    "в предотвращении конфликтов и насилия в отношении женщин и девочек и в преодолении последствий "
                    "кризисов",
                    "Мамлекеттик органдардын, жергиликтүү өз алдынча башкаруу органдарынын жана жарандык коомдун "
                    "чыр-чатактардын, аялдарга жана кыздарга карата зомбулуктун алдын алуудагы жана кризистердин "
                    "кесепеттерин жоюудагы өз ара аракеттенүүсү",
                ),
            ),
            (
                "3",
                (
                    "Protection and the special needs of women and girls in emergencies",
                    "Защита и особые потребности женщин и девочек в чрезвычайных ситуациях",
                    "Өзгөчө кырдаалдарда аялдарды жана кыздарды коргоо жана алардын өзгөчө муктаждыктары",
                ),
            ),
        ],
    },
]

ADDRESSEES = [
    ("Parliament (Jogorku Kenesh)", "Парламент (Жогорку Кенеш)", "Парламент (Жогорку Кеңеш)"),
    ("Cabinet of Ministers", "Кабинет Министров", "Министрлер Кабинети"),
    ("Ministries and state agencies", "Министерства и ведомства", "Министрликтер жана ведомстволор"),
    (
        "Local self-government and local councils",
        "Органы местного самоуправления и местные кенеши",
        "Жергиликтүү өз алдынча башкаруу органдары жана жергиликтүү кеңештер",
    ),
    ("Law enforcement", "Правоохранительные органы", "Укук коргоо органдары"),
    ("Civil society", "Гражданское общество", "Жарандык коом"),
    ("International partners", "Международные партнёры", "Эл аралык өнөктөштөр"),
]

TARGET_GROUPS = [
    ("Women", "Женщины", "Аялдар"),
    ("Girls", "Девочки", "Кыздар"),
    ("Children", "Дети", "Балдар"),
    ("Youth", "Молодёжь", "Жаштар"),
    ("Border communities", "Приграничные сообщества", "Чек ара аймактарындагы жамааттар"),
    ("People displaced by conflict", "Люди, перемещённые из-за конфликта", "Чыр-чатактан улам жер которгон адамдар"),
    ("Persons with disabilities", "Люди с инвалидностью", "Майыптыгы бар адамдар"),
    ("Women members of local councils", "Женщины-депутаты местных кенешей", "Жергиликтүү кеңештердин аял депутаттары"),
]


def translated(field, texts):
    english, russian, kyrgyz = texts
    return {field: english, f"{field}_en": english, f"{field}_ru": russian, f"{field}_ky": kyrgyz}


def seed(apps, schema_editor):
    Framework = apps.get_model("recommendations", "Framework")
    FrameworkArea = apps.get_model("recommendations", "FrameworkArea")
    Addressee = apps.get_model("recommendations", "Addressee")
    TargetGroup = apps.get_model("recommendations", "TargetGroup")

    for plan in FRAMEWORKS:
        framework, _created = Framework.objects.get_or_create(
            slug=plan["slug"],
            defaults={
                "is_default": plan["is_default"],
                "valid_from": plan["valid_from"],
                "valid_until": plan["valid_until"],
                **translated("name", plan["name"]),
                **translated("short_name", plan["short_name"]),
            },
        )
        for order, (number, title) in enumerate(plan["areas"], start=1):
            FrameworkArea.objects.get_or_create(
                framework=framework, number=number, defaults={"order": order, **translated("title", title)}
            )
    for model, rows in ((Addressee, ADDRESSEES), (TargetGroup, TARGET_GROUPS)):
        for order, names in enumerate(rows, start=1):
            model.objects.get_or_create(name_en=names[0], defaults={"order": order, **translated("name", names)})


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
