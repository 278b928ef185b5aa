from django.core.management.base import BaseCommand

from django.urls import reverse
from django.utils import translation

from dialogue_event.demo import load_demo
from dialogue_event.demo_next import load_next_dialogue


class Command(BaseCommand):
    help = (
        "Create the Osh dialogue of 3 June 2021 with its tracks and the demo accounts, and a fictional next "
        "dialogue some weeks ahead, open for registration. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo accounts new passwords and print them.",
        )

    def handle(self, *args, reset_passwords, **options):
        report = load_demo(reset_passwords=reset_passwords)
        next_dialogue = load_next_dialogue()
        created = report.created + next_dialogue.created
        if created:
            self.stdout.write(self.style.SUCCESS("Created:"))
            for name in created:
                self.stdout.write(f"  {name}")
        else:
            self.stdout.write("The demo data is already there; nothing was changed.")
        self.stdout.write(f"Event page: {report.event.get_absolute_url()}")
        if report.passwords:
            self.stdout.write("Demo logins (shown this once; keep them):")
            for username, password in report.passwords.items():
                self.stdout.write(f"  {username} / {password}")
        else:
            self.stdout.write(
                "Demo logins: organiser and facilitator, with the passwords printed when they were created "
                "(python manage.py load_demo --reset-passwords prints new ones)."
            )
        # Last, where a newcomer sees it: what she can try now.
        with translation.override("en"):
            register = reverse("participants:register", kwargs={"slug": next_dialogue.event.slug})
        self.stdout.write(f"Next dialogue, open for registration: {register}")
        invitee = next_dialogue.invitee
        if invitee is not None:
            self.stdout.write(f"An invitee's personal link ({invitee.full_name}): {invitee.get_personal_url()}")
