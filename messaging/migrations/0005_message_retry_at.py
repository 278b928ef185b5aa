from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0004_new_link_and_address_change_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="retry_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="next attempt"),
        ),
    ]
