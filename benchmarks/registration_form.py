"""The registration the benchmark submits, shared by the HTTP client (registration.py) and the in-process
measurement of the form alone (setup_event.py form-cost). No Django import: the client does not load Django."""


def valid_registration(*, category, district, email, phone, submission_key):
    # As participants/tests/test_views.py's form_data(): a woman activist from a village, Kyrgyz letters in her name.
    return {
        "full_name": "Айгүл Өмүрбекова",
        "gender": "woman",
        "age_band": "30_44",
        "category": category,
        "organisation": "Aiyl kenesh of Ak-Sai",
        "district": district,
        "village": "Ак-Сай",
        "phone": phone,
        "email": email,
        "preferred_channel": "whatsapp",
        "preferred_language": "ky",
        "accommodation_nights": "1",
        "visibility": "organisers_only",
        "consent_data_processing": "on",
        "submission_key": submission_key,
    }
