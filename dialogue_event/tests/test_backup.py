"""`make backup` and `make restore`: what a backup holds comes back whole in a new database."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from psycopg2 import sql

from messaging.models import MessageKind
from messaging.services import queue_message
from participants.models import Status
from participants.tests.factories import ParticipantFactory
from recommendations.models import OutcomeDocument, OutcomeFormat, OutcomeStatus
from recommendations.tests.factories import RecommendationFactory

BASE_DIR = Path(__file__).resolve().parents[2]

# What must come back: every row, with what a person or an organiser reads in it.
CHECKED = {
    "participants": "SELECT id, full_name, email, phone, status, access_token FROM participants_participant",
    "messages": "SELECT id, participant_id, kind, to_address, subject, body_text, status FROM messaging_message",
    "recommendations": "SELECT id, session_id, text, status FROM recommendations_recommendation",
    "outcome documents": "SELECT id, event_id, file FROM recommendations_outcomedocument",
}


def database_url(name):
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def run(script, *, database, media_root, backup_root, args=()):
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DATABASE_URL": database_url(database),
        "MEDIA_ROOT": str(media_root),
        "BACKUP_ROOT": str(backup_root),
    }
    done = subprocess.run(
        ["bash", f"scripts/{script}", *args],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def rows(database):
    params = {**connection.get_connection_params(), "dbname": database}
    with psycopg2.connect(**params) as restored, restored.cursor() as cursor:
        found = {}
        for name, query in CHECKED.items():
            cursor.execute(query + " ORDER BY id")
            found[name] = cursor.fetchall()
    restored.close()
    return found


@pytest.fixture
def new_database():
    """The name of a database that does not exist yet; dropped after the test."""
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    yield name
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    server = psycopg2.connect(**params)
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    server.close()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_new_database_with_every_participant_message_and_recommendation(
    settings, tmp_path, new_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    people = [
        ParticipantFactory(full_name="Айгүл Токтосунова", status=Status.REGISTERED),
        ParticipantFactory(full_name="Гульнара Исмаилова", status=Status.WAITLISTED, email=""),
        ParticipantFactory(full_name="Nurzhan Abdyldaeva", status=Status.INVITED),
    ]
    for person in people:
        queue_message(person, MessageKind.CONFIRMATION)
    RecommendationFactory(text="Аялдарды чек ара комиссиясына киргизүү.")
    recommendation = RecommendationFactory(text="Включить женщин в пограничную комиссию.")
    document = OutcomeDocument.objects.create(
        event=recommendation.session.event, language="ru", format=OutcomeFormat.PDF, status=OutcomeStatus.READY
    )
    document.file.save("outcome-ru.pdf", ContentFile(b"%PDF-1.7 the outcome document"))
    original = rows(connection.settings_dict["NAME"])

    output = run(
        "backup.sh",
        database=connection.settings_dict["NAME"],
        media_root=settings.MEDIA_ROOT,
        backup_root=tmp_path / "backups",
    )
    backup = Path(output.splitlines()[-1])
    if not backup.is_absolute():
        backup = BASE_DIR / backup
    run(
        "restore.sh",
        database=new_database,
        media_root=tmp_path / "restored-media",
        backup_root=tmp_path / "backups",
        args=[str(backup)],
    )

    restored = rows(new_database)
    assert [len(restored[name]) for name in CHECKED] == [3, 3, 2, 1]
    assert restored == original
    assert (tmp_path / "restored-media" / document.file.name).read_bytes() == b"%PDF-1.7 the outcome document"


@pytest.mark.django_db(transaction=True)
def test_restore_never_writes_over_a_database_that_holds_tables(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ParticipantFactory()
    name = connection.settings_dict["NAME"]
    output = run("backup.sh", database=name, media_root=settings.MEDIA_ROOT, backup_root=tmp_path / "backups")
    backup = output.splitlines()[-1]

    env = {**os.environ, "PYTHON": sys.executable, "DATABASE_URL": database_url(name), "MEDIA_ROOT": str(tmp_path)}
    refused = subprocess.run(
        ["bash", "scripts/restore.sh", backup],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert refused.returncode != 0
    assert "restore into a new database" in refused.stderr
