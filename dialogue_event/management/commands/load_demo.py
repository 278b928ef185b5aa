from django.core.management.base import BaseCommand

from dialogue_event.demo import load_demo


class Command(BaseCommand):
    help = "Create the Osh dialogue of 3 June 2021 with its tracks and two demo accounts. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo accounts new passwords and print them.",
        )

    def handle(self, *args, reset_passwords, **options):
        report = load_demo(reset_passwords=reset_passwords)
        if report.created:
            self.stdout.write(self.style.SUCCESS("Created:"))
            for name in report.created:
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
