"""Print, as shell assignments, where the application keeps its data: the database and the uploaded files.

Read from the Django settings, so that `make backup` and `make restore` use
what the application itself uses (DATABASE_URL, MEDIA_ROOT, the .env file).
"""

import os
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_event.settings")

from django.conf import settings

database = settings.DATABASES["default"]
# libpq's own variables: pg_dump, pg_restore and psql read them, and no password shows in a process list.
values = {
    "PGHOST": database.get("HOST") or "",
    "PGPORT": str(database.get("PORT") or ""),
    "PGUSER": database.get("USER") or "",
    "PGPASSWORD": database.get("PASSWORD") or "",
    "PGDATABASE": database["NAME"],
    "MEDIA_ROOT": str(settings.MEDIA_ROOT),
}
for name, value in values.items():
    if value:
        print(f"export {name}={shlex.quote(value)}")
    elif name.startswith("PG"):
        print(f"unset {name}")
