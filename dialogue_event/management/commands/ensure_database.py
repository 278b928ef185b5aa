import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg2 import sql


class Command(BaseCommand):
    help = "Create the PostgreSQL database named in DATABASE_URL if it does not exist yet."

    def handle(self, *args, **options):
        database = settings.DATABASES["default"]
        name = database["NAME"]
        # Connect to the server's maintenance database: the one we want may not exist.
        params = {
            "dbname": "postgres",
            "user": database.get("USER") or None,
            "password": database.get("PASSWORD") or None,
            "host": database.get("HOST") or None,
            "port": database.get("PORT") or None,
            "connect_timeout": 5,
        }
        try:
            connection = psycopg2.connect(**{key: value for key, value in params.items() if value is not None})
        except psycopg2.OperationalError as error:
            raise CommandError(
                f"PostgreSQL is not reachable at {database.get('HOST') or 'its socket'}:{database.get('PORT') or 5432} "
                f"({error}). Start it, or set DATABASE_URL."
            ) from error
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone():
                    self.stdout.write(f"Database {name} exists.")
                    return
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                self.stdout.write(self.style.SUCCESS(f"Created database {name}."))
        finally:
            connection.close()
