"""Two-factor login (TOTP) for staff and admins when OTP_REQUIRED: the code step, enrolment,
throttled wrong codes, the admin, and API tokens left alone."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.views import WRONG_CODE
from tests.accounts.test_auth import assert_no_inline_code
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
CODE = "/accounts/otp/"
SETUP = "/accounts/otp/setup/"
PASSWORD = "pass-for-tests"


@pytest.fixture(autouse=True)
def codes_required(settings):
    settings.OTP_REQUIRED = True


def device_for(user, confirmed=True):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=confirmed)


def code(device, offset=0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{(totp.token() + offset) % 1_000_000:06d}"


def log_in(client, user, next_url=""):
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD, "next": next_url})


def test_a_right_password_leads_to_the_code_and_logs_nobody_in(client, clerk):
    device_for(clerk)

    response = log_in(client, clerk)

    assert (response.status_code, response["Location"]) == (302, CODE)
    assert "_auth_user_id" not in client.session
    staff_page = client.get("/handovers/")
    assert staff_page.status_code == 302 and staff_page["Location"].startswith(LOGIN)
    page = client.get(CODE)
    assert page.status_code == 200
    assert '<label for="id_otp_token">' in page.content.decode()
    assert_no_inline_code(page.content.decode(), CODE)


def test_the_right_code_logs_in_verified_and_goes_to_the_page_asked_for(client, clerk):
    device = device_for(clerk)
    log_in(client, clerk, next_url="/handovers/new/")

    response = client.post(CODE, {"otp_token": code(device)})

    assert (response.status_code, response["Location"]) == (302, "/handovers/new/")
    assert client.session["_auth_user_id"] == str(clerk.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/handovers/new/").status_code == 200
    device.refresh_from_db()
    assert device.last_used_at is not None and device.throttling_failure_count == 0


def test_a_wrong_code_is_refused_beside_the_field_and_counted(client, clerk):
    device = device_for(clerk)
    log_in(client, clerk)

    response = client.post(CODE, {"otp_token": code(device, offset=1)})

    assert response.status_code == 200
    assert escape(str(WRONG_CODE)) in response.content.decode()
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_malformed_code_is_a_field_error_and_no_try(client, clerk):
    device = device_for(clerk)
    log_in(client, clerk)

    response = client.post(CODE, {"otp_token": "12ab"})

    assert response.status_code == 200
    assert "The code is six digits." in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_after_many_wrong_codes_even_the_right_one_waits(client, clerk):
    device = device_for(clerk)
    # Ten wrong codes in a row just now: the next try must wait 2^9 seconds.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=10, throttling_failure_timestamp=timezone.now()
    )
    log_in(client, clerk)

    response = client.post(CODE, {"otp_token": code(device)})

    assert response.status_code == 200
    assert "Too many wrong codes in a row" in response.content.decode()
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 10


def test_a_clerk_without_a_device_enrols_one_then_is_logged_in(client, clerk):
    response = log_in(client, clerk)
    assert (response.status_code, response["Location"]) == (302, SETUP)

    page = client.get(SETUP)

    body = page.content.decode()
    device = TOTPDevice.objects.get(user=clerk)
    assert not device.confirmed
    assert "otpauth://totp/" in body and 'src="data:image/svg+xml' in body
    assert_no_inline_code(body, SETUP)
    # Reloading the page keeps the same secret (the app may already hold it).
    secret = re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', body)[1]
    assert secret in client.get(SETUP).content.decode()
    response = client.post(SETUP, {"otp_token": code(device)})
    assert (response.status_code, response["Location"]) == (302, "/handovers/")
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert TOTPDevice.objects.filter(user=clerk).count() == 1


def test_a_wrong_first_code_leaves_the_device_unconfirmed(client, clerk):
    log_in(client, clerk)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=clerk)

    response = client.post(SETUP, {"otp_token": code(device, offset=1)})

    assert response.status_code == 200
    assert escape(str(WRONG_CODE)) in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed and "_auth_user_id" not in client.session


def test_a_user_with_a_device_cannot_enrol_another(client, clerk):
    device_for(clerk)
    log_in(client, clerk)

    response = client.get(SETUP)

    assert (response.status_code, response["Location"]) == (302, CODE)
    assert TOTPDevice.objects.filter(user=clerk).count() == 1


def test_the_code_pages_need_the_password_first(client, clerk):
    for url in (CODE, SETUP):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, LOGIN), url
    assert not TOTPDevice.objects.exists()


def test_a_journalist_logs_in_with_the_password_alone(client, journalist):
    response = log_in(client, journalist)

    assert (response.status_code, response["Location"]) == (302, "/ledger/")
    assert client.session["_auth_user_id"] == str(journalist.pk)
    assert not TOTPDevice.objects.exists()


def test_a_session_without_a_code_is_sent_to_log_in_again(client, clerk):
    client.force_login(clerk)  # as if logged in before codes were required

    response = client.get("/handovers/")

    assert (response.status_code, response["Location"]) == (302, f"{LOGIN}?next=/handovers/")
    # The login page shows its form rather than bouncing the logged-in user back.
    assert '<label for="id_password">' in client.get(LOGIN).content.decode()


def test_the_admin_needs_the_code_and_logs_in_through_both_steps(client, admin_user):
    device = device_for(admin_user)
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 302
    response = client.get("/admin/login/?next=/admin/")
    assert (response.status_code, response["Location"]) == (302, f"{LOGIN}?next=%2Fadmin%2F")

    log_in(client, admin_user, next_url="/admin/")
    response = client.post(CODE, {"otp_token": code(device)})

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200


def test_an_admin_resets_a_clerk_s_device_and_the_clerk_enrols_again(client, admin_user, clerk):
    admin_device = device_for(admin_user)
    clerk_device = device_for(clerk)
    log_in(client, admin_user, next_url="/admin/")
    client.post(CODE, {"otp_token": code(admin_device)})
    url = f"/admin/otp_totp/totpdevice/{clerk_device.pk}/"
    change_page = client.get(url).content.decode()
    assert clerk_device.key not in change_page  # no admin sees another user's secret

    response = client.post(f"{url}delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    client.post("/accounts/logout/")
    assert log_in(client, clerk)["Location"] == SETUP


def test_api_tokens_need_no_code(clerk, setting):
    PersonFactory(conflict=setting["conflict"], party=setting["arm"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(clerk)[1]}")

    response = api.get("/api/v1/persons/")

    assert response.status_code == 200
    # The staff tier: restricted fields are there, so the token was honoured as the clerk's.
    assert "service_number" in response.json()["results"][0]


def test_a_code_step_left_too_long_starts_over(client, clerk):
    device = device_for(clerk)
    log_in(client, clerk)
    session = client.session
    session["_otp_pending_since"] -= int(datetime.timedelta(minutes=11).total_seconds())
    session.save()

    response = client.post(CODE, {"otp_token": code(device)})

    assert (response.status_code, response["Location"]) == (302, LOGIN)
    assert "_auth_user_id" not in client.session


def test_the_code_and_setup_steps_take_a_fixed_number_of_queries(
    client, clerk, verifier, django_assert_max_num_queries
):
    device = device_for(clerk)
    log_in(client, clerk)
    right = code(device)
    # session, pending user, device
    with django_assert_max_num_queries(3):
        assert client.get(CODE).status_code == 200
    # The same, the device locked and saved, then the login: a new session, the user's
    # last_login, django-axes' log, each write with its audit context; the user's groups
    # (where to land).
    with django_assert_max_num_queries(22):
        assert client.post(CODE, {"otp_token": right}).status_code == 302
    client.post("/accounts/logout/")
    log_in(client, verifier)
    # session, pending user, confirmed device (none), device being enrolled (created), its user
    for _ in range(2):
        with django_assert_max_num_queries(5):
            assert client.get(SETUP).status_code == 200


def test_a_django_admin_outside_the_ledger_groups_lands_in_the_admin(client):
    staff = UserFactory(username="auditor", is_staff=True)
    device = device_for(staff)
    log_in(client, staff)

    response = client.post(CODE, {"otp_token": code(device)})

    assert (response.status_code, response["Location"]) == (302, "/admin/")
