"""Seed the places most participants come from; organisers add others in the admin."""

from django.db import migrations

# (region in English, Russian, Kyrgyz), [(district or town in English, Russian, Kyrgyz)]
PLACES = [
    (
        ("Batken region", "Баткенская область", "Баткен облусу"),
        [
            ("Batken district", "Баткенский район", "Баткен району"),
            ("Kadamjay district", "Кадамжайский район", "Кадамжай району"),
            ("Leilek district", "Лейлекский район", "Лейлек району"),
            ("Batken town", "г. Баткен", "Баткен шаары"),
            ("Isfana town", "г. Исфана", "Исфана шаары"),
            ("Kyzyl-Kiya town", "г. Кызыл-Кия", "Кызыл-Кыя шаары"),
            ("Sulukta town", "г. Сулюкта", "Сүлүктү шаары"),
        ],
    ),
    (("Osh city", "г. Ош", "Ош шаары"), [("Osh city", "г. Ош", "Ош шаары")]),
    (
        ("Osh region", "Ошская область", "Ош облусу"),
        [
            ("Alay district", "Алайский район", "Алай району"),
            ("Aravan district", "Араванский район", "Араван району"),
            ("Chong-Alay district", "Чон-Алайский район", "Чоң-Алай району"),
            ("Kara-Kulja district", "Кара-Кульджинский район", "Кара-Кулжа району"),
            ("Kara-Suu district", "Карасуйский район", "Кара-Суу району"),
            ("Nookat district", "Ноокатский район", "Ноокат району"),
            ("Uzgen district", "Узгенский район", "Өзгөн району"),
        ],
    ),
    (("Jalal-Abad region", "Джалал-Абадская область", "Жалал-Абад облусу"), [("Jalal-Abad town", "г. Джалал-Абад", "Жалал-Абад шаары")]),
    (("Bishkek city", "г. Бишкек", "Бишкек шаары"), [("Bishkek city", "г. Бишкек", "Бишкек шаары")]),
    (("Chuy region", "Чуйская область", "Чүй облусу"), [("Tokmok town", "г. Токмок", "Токмок шаары")]),
    (("Issyk-Kul region", "Иссык-Кульская область", "Ысык-Көл облусу"), [("Karakol town", "г. Каракол", "Каракол шаары")]),
    (("Naryn region", "Нарынская область", "Нарын облусу"), [("Naryn town", "г. Нарын", "Нарын шаары")]),
    (("Talas region", "Таласская область", "Талас облусу"), [("Talas town", "г. Талас", "Талас шаары")]),
]


def names(english, russian, kyrgyz):
    return {"name": english, "name_en": english, "name_ru": russian, "name_ky": kyrgyz}


def seed_places(apps, schema_editor):
    Region = apps.get_model("participants", "Region")
    District = apps.get_model("participants", "District")
    for region_order, (region_names, districts) in enumerate(PLACES, start=1):
        region, _ = Region.objects.get_or_create(name_en=region_names[0], defaults={**names(*region_names), "order": region_order})
        for order, district_names in enumerate(districts, start=1):
            District.objects.get_or_create(
                region=region, name_en=district_names[0], defaults={**names(*district_names), "order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]

    operations = [migrations.RunPython(seed_places, migrations.RunPython.noop)]
