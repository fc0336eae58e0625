"""The administrator's pages: people, units, legal bases and settings; never client data."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from keywork.accounts.models import User
from keywork.audit.models import AuditEvent
from keywork.organisations.models import LegalBasis, Membership, Unit
from keywork.organisations.selectors import active_membership
from tests.helpers import login_as

STRONG = "a-long-and-unusual-passphrase"


@pytest.fixture
def admin_http(world):
    return login_as(HttpClient(), world.administrator)


def _last_audit() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()


# --- people --------------------------------------------------------------------------------


def test_people_page_lists_roles_units_and_second_factor(world, admin_http):
    resp = admin_http.get(reverse("organisations:users"))
    assert resp.status_code == 200
    rows = {m.user.username: m for m in resp.context["memberships"]}
    assert "outsider" not in rows  # another organisation
    assert rows["administrator"].has_second_factor  # login_as set up a device
    assert not rows["researcher"].has_second_factor
    html = resp.content.decode()
    assert "North Service Residential" in html
    assert "Not set up yet (required)" in html  # the supervisors have none yet


def test_admin_creates_an_account_with_a_chosen_password(world, admin_http):
    resp = admin_http.post(reverse("organisations:user_new"), {
        "username": "newworker", "first_name": "Nina", "last_name": "New",
        "role": "keyworker", "units": [world.unit_a.pk], "password": STRONG,
    })
    assert resp.status_code == 200
    user = User.objects.get(username="newworker")
    assert user.check_password(STRONG)
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (world.org, "keyworker")
    assert list(membership.units.all()) == [world.unit_a]
    row = _last_audit()
    assert (row.action, row.actor_id, row.client_id, row.object_type) == (
        "create", world.administrator.pk, None, "membership")
    assert STRONG not in resp.content.decode()


def test_admin_gets_a_generated_password_shown_once(world, admin_http):
    resp = admin_http.post(reverse("organisations:user_new"), {
        "username": "gen", "role": "researcher"})
    password = resp.context["password"]
    assert resp.context["generated"]
    assert password in resp.content.decode()
    assert "no-store" in resp["Cache-Control"]
    assert User.objects.get(username="gen").check_password(password)
    # the list of people never shows it again
    assert password not in admin_http.get(reverse("organisations:users")).content.decode()


@pytest.mark.parametrize(("data", "field"), [
    ({"username": "weak", "role": "keyworker", "password": "12345"}, "password"),
    ({"username": "keyworker", "role": "keyworker", "password": STRONG}, "username"),
])
def test_admin_account_errors_are_shown_on_the_form(world, admin_http, data, field):
    before = User.objects.count()
    resp = admin_http.post(reverse("organisations:user_new"), data)
    assert resp.status_code == 200
    assert resp.context["form"].errors[field]
    assert User.objects.count() == before


def test_admin_cannot_give_a_unit_of_another_organisation(world, admin_http):
    other_unit = world.other_org.units.first()
    resp = admin_http.post(reverse("organisations:user_new"), {
        "username": "sneaky", "role": "keyworker", "units": [other_unit.pk],
        "password": STRONG})
    assert resp.context["form"].errors["units"]
    assert not User.objects.filter(username="sneaky").exists()


def test_admin_changes_role_and_units_and_history_is_kept(world, admin_http):
    membership = world.memberships["colleague"]
    versions = membership.history.count()
    resp = admin_http.post(reverse("organisations:user_edit", args=[membership.pk]), {
        "role": "supervisor", "units": [world.unit_b.pk], "is_active": "on"})
    assert resp.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "supervisor"
    assert list(membership.units.all()) == [world.unit_b]
    assert membership.history.count() > versions
    row = _last_audit()
    assert (row.action, row.client_id) == ("update", None)
    assert row.detail == "account colleague changed: role, units"


def test_deactivated_account_keeps_its_records_but_cannot_act(world, admin_http):
    membership = world.memberships["keyworker"]
    resp = admin_http.post(reverse("organisations:user_edit", args=[membership.pk]), {
        "role": "keyworker", "units": [world.unit_a.pk]}, follow=True)
    membership.refresh_from_db()
    assert not membership.is_active
    assert User.objects.filter(pk=world.keyworker.pk).exists()
    world.keyworker.__dict__.pop("_keywork_membership", None)
    assert active_membership(world.keyworker) is None
    # still the keyworker of one open relationship: the admin is told, without names
    html = resp.content.decode()
    assert "still holds 1 open keyworker relationship." in html
    assert "Anna" not in html


def test_admin_cannot_remove_their_own_administrator_access(world, admin_http):
    own = world.memberships["administrator"]
    resp = admin_http.post(reverse("organisations:user_edit", args=[own.pk]), {
        "role": "keyworker", "is_active": "on"})
    assert resp.status_code == 200
    assert resp.context["form"].non_field_errors()
    own.refresh_from_db()
    assert own.role == "administrator"


def test_admin_cannot_open_an_account_of_another_organisation(world, admin_http):
    other = world.memberships["outsider"]
    assert admin_http.get(reverse("organisations:user_edit", args=[other.pk])).status_code == 404


# --- units ---------------------------------------------------------------------------------


def test_admin_creates_and_edits_a_unit(world, admin_http):
    resp = admin_http.post(reverse("organisations:unit_new"), {
        "name": "Day Centre", "kind": "outpatient", "caseload_limit": 12})
    assert resp.status_code == 302
    unit = Unit.objects.get(organisation=world.org, name="Day Centre")
    assert _last_audit().action == "create"
    resp = admin_http.post(reverse("organisations:unit_edit", args=[unit.pk]), {
        "name": "Day Centre", "kind": "outpatient", "caseload_limit": 10})
    unit.refresh_from_db()
    assert unit.caseload_limit == 10
    row = _last_audit()
    assert (row.action, row.detail) == ("update", "unit changed: caseload_limit")


def test_unit_names_are_unique_in_the_organisation(world, admin_http):
    resp = admin_http.post(reverse("organisations:unit_new"), {
        "name": world.unit_a.name, "kind": "community", "caseload_limit": 12})
    assert resp.context["form"].errors["name"]


def test_admin_cannot_open_a_unit_of_another_organisation(world, admin_http):
    unit = world.other_org.units.first()
    assert admin_http.get(reverse("organisations:unit_edit", args=[unit.pk])).status_code == 404


def test_units_page_shows_staff_counts_and_no_client(world, admin_http):
    resp = admin_http.get(reverse("organisations:units"))
    staff = {u.name: u.staff for u in resp.context["units"]}
    assert staff[world.unit_a.name] == 4  # keyworker, colleague, deputy, supervisor
    assert "Anna" not in resp.content.decode()


# --- legal bases ---------------------------------------------------------------------------


def test_admin_creates_a_legal_basis_with_its_limits_of_confidentiality(world, admin_http):
    resp = admin_http.post(reverse("organisations:legal_basis_new"), {
        "code": "probation", "name": "Probation order", "is_coerced": "on",
        "powers": "I report attendance to probation.",
        "confidentiality_limits": "Missed sessions and new offences: probation.",
        "is_active": "on", "order": 3})
    assert resp.status_code == 302
    basis = LegalBasis.objects.get(organisation=world.org, code="probation")
    assert basis.is_coerced
    assert basis.confidentiality_limits.startswith("Missed sessions")
    page = admin_http.get(reverse("organisations:legal_bases")).content.decode()
    assert "Missed sessions and new offences" in page


def test_legal_basis_needs_limits_of_confidentiality(world, admin_http):
    resp = admin_http.post(reverse("organisations:legal_basis_new"), {
        "code": "x", "name": "X", "confidentiality_limits": "   ", "order": 0})
    assert resp.context["form"].errors["confidentiality_limits"]


def test_code_of_a_legal_basis_in_use_stays_fixed(world, admin_http):
    basis = world.legal_basis  # episodes use it
    resp = admin_http.post(reverse("organisations:legal_basis_edit", args=[basis.pk]), {
        "code": "renamed", "name": "Compulsory care (LVM)",
        "confidentiality_limits": basis.confidentiality_limits, "is_coerced": "on",
        "is_active": "on", "order": 0})
    assert resp.status_code == 302
    basis.refresh_from_db()
    assert (basis.code, basis.name) == ("compulsory", "Compulsory care (LVM)")


def test_code_of_an_unused_legal_basis_can_change(world, admin_http):
    basis = LegalBasis.objects.create(organisation=world.org, code="draft", name="Draft",
                                      confidentiality_limits="Risk: social services.")
    admin_http.post(reverse("organisations:legal_basis_edit", args=[basis.pk]), {
        "code": "final", "name": "Draft", "confidentiality_limits": "Risk: social services.",
        "is_active": "on", "order": 0})
    basis.refresh_from_db()
    assert basis.code == "final"


# --- settings ------------------------------------------------------------------------------


def test_admin_changes_settings_and_it_is_audited(world, admin_http):
    resp = admin_http.post(reverse("organisations:settings"), {
        "name": "North Service", "ending_grace_days": "21",
        "keyworker_second_factor": "on"})
    assert resp.status_code == 302
    world.org.refresh_from_db()
    assert (world.org.grace_days, world.org.keyworker_second_factor) == (21, True)
    assert not world.org.managers_see_records
    row = _last_audit()
    assert (row.action, row.client_id, row.organisation_id) == ("update", None, world.org.pk)
    assert "ending_grace_days" in row.detail


def test_days_without_contact_are_set_once_with_the_alert_not_on_the_general_settings(
        world, admin_http):
    html = admin_http.get(reverse("organisations:settings")).content.decode()
    assert 'name="no_contact_days"' not in html


# --- who may -------------------------------------------------------------------------------


def test_only_administrators_may_change_accounts_units_and_settings(world):
    for who in ("keyworker", "supervisor", "manager", "researcher"):
        http = login_as(HttpClient(), world.users[who])
        resp = http.post(reverse("organisations:unit_new"), {
            "name": "Sneaky", "kind": "other", "caseload_limit": 1})
        assert resp.status_code == 403, who
        resp = http.post(reverse("organisations:settings"), {"name": "Taken over"})
        assert resp.status_code == 403, who
        assert http.get(reverse("organisations:users")).status_code == 403, who
    assert not Unit.objects.filter(name="Sneaky").exists()
    world.org.refresh_from_db()
    assert world.org.name == "North Service"


def test_admin_pages_show_no_client_names(world, admin_http):
    for name in ("users", "units", "legal_bases", "settings", "user_new"):
        html = admin_http.get(reverse(f"organisations:{name}")).content.decode()
        for client in world.clients.values():
            assert client.family_name not in html, name


def _policy_page(http: HttpClient) -> dict:
    """The check-in policy form as shown: what a browser sends on Save."""
    form = http.get(reverse("signals:settings")).context["form"]
    data = {}
    for field in form:
        value = field.value()
        if field.widget_type == "checkbox":
            if value:
                data[field.name] = "on"
        elif value is not None:
            data[field.name] = value
    return data


def test_administrator_sets_check_in_policy_and_thresholds(world):
    from keywork.checkins.models import CheckinPolicy
    from keywork.signals.models import SignalSettings
    from keywork.signals.settings import config_for

    http = login_as(HttpClient(), world.administrator)
    url = reverse("signals:settings")
    page = http.get(url).content.decode()
    assert "Days without contact" in page  # each setting in words, with its default
    assert "Default: 14." in page
    data = _policy_page(http)
    data.update({"keyworker_visibility": "nothing", "link_hours": "48",
                 "no_contact_days": "10"})
    resp = http.post(url, data)
    assert resp.status_code == 302
    policy = CheckinPolicy.objects.get(organisation=world.org)
    assert (policy.keyworker_visibility, policy.link_hours) == ("nothing", 48)
    assert SignalSettings.objects.get(organisation=world.org).overrides == {
        "no_contact_days": 10}
    assert config_for(world.org.pk).no_contact_days == 10


def test_out_of_range_thresholds_are_refused_and_the_input_kept(world):
    from keywork.checkins.models import CheckinPolicy

    http = login_as(HttpClient(), world.administrator)
    url = reverse("signals:settings")
    data = _policy_page(http)
    data.update({"no_contact_days": "0", "link_hours": "48"})
    resp = http.post(url, data)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Give a whole number from 1 to 3650." in html
    assert 'name="no_contact_days" value="0"' in html
    assert 'name="link_hours" value="48"' in html
    assert not CheckinPolicy.objects.filter(organisation=world.org).exists()


def test_keyworker_cannot_open_the_check_in_policy(world):
    http = login_as(HttpClient(), world.keyworker)
    assert http.get(reverse("signals:settings")).status_code in (403, 404)


def test_administrator_unlocks_a_locked_out_account(world, settings):
    from axes.models import AccessAttempt

    from keywork.audit.models import AuditEvent

    http = HttpClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        http.post(reverse("accounts:login"), {"username": "keyworker", "password": "wrong"},
                  REMOTE_ADDR="198.51.100.4")
    assert AccessAttempt.objects.filter(username="keyworker").exists()
    admin = login_as(HttpClient(), world.administrator)
    target = world.memberships["keyworker"]
    resp = admin.post(reverse("organisations:user_unlock", args=[target.pk]))
    assert resp.status_code == 302
    assert not AccessAttempt.objects.filter(username="keyworker").exists()
    assert AuditEvent.objects.filter(detail__startswith="sign-in lockout lifted").exists()


def test_administrator_resets_a_lost_second_factor_but_not_their_own(world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.supervisor, name="old phone", confirmed=True)
    admin = login_as(HttpClient(), world.administrator)
    sup = world.memberships["supervisor"]
    admin.post(reverse("organisations:user_second_factor_reset", args=[sup.pk]))
    assert not TOTPDevice.objects.filter(user=world.supervisor).exists()
    own = world.memberships["administrator"]
    resp = admin.post(reverse("organisations:user_second_factor_reset", args=[own.pk]),
                      follow=True)
    assert "Ask another administrator" in resp.content.decode()
    assert TOTPDevice.objects.filter(user=world.administrator).exists()


def test_keyworker_cannot_unlock_or_reset_accounts(world):
    http = login_as(HttpClient(), world.keyworker)
    target = world.memberships["colleague"]
    for name in ("organisations:user_unlock", "organisations:user_second_factor_reset"):
        assert http.post(reverse(name, args=[target.pk])).status_code in (403, 404)
