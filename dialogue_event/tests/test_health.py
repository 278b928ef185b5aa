import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["services"] == {"database": "up", "broker": "up"}
    assert body["down"] == []


@pytest.mark.django_db
def test_healthz_names_the_broker_when_redis_is_unreachable(client, settings):
    # Nothing listens on port 1: the connection is refused, as with a stopped Redis.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["services"] == {"database": "up", "broker": "down"}
    assert body["down"] == ["broker"]


@pytest.mark.django_db(transaction=True)
def test_healthz_names_the_database_when_postgresql_is_unreachable(client):
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port

    assert response.status_code == 503
    assert response.json()["down"] == ["database"]


@pytest.mark.django_db
def test_healthz_is_never_cached(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
