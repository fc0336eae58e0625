"""What the API shows and accepts. Every field is listed by hand: a new model field never
appears in the API by accident."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from keywork.contacts.models import Channel, Initiator, Kind


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text=_("A stable code for programs, e.g. not_found."))
    message = serializers.CharField(help_text=_("Safe to show to a person."))
    field = serializers.CharField(allow_null=True, help_text=_("The input that was wrong."))


class ErrorSerializer(serializers.Serializer[Any]):
    """The one error shape of the API."""

    error = ErrorDetailSerializer()


class PersonSerializer(serializers.Serializer[Any]):
    """A staff member, by name."""

    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class ClientRefSerializer(serializers.Serializer[Any]):
    """A client as lists show them: protected identities by their reference only."""

    id = serializers.IntegerField(source="pk", read_only=True)
    display_name = serializers.CharField(read_only=True)


class ClientListSerializer(ClientRefSerializer):
    protected_identity = serializers.BooleanField(read_only=True)


class UnitSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(read_only=True)


class LegalBasisSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    is_coerced = serializers.BooleanField(read_only=True)
    confidentiality_limits = serializers.CharField(read_only=True)


class EpisodeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk", read_only=True)
    unit = UnitSerializer(read_only=True)
    legal_basis = LegalBasisSerializer(read_only=True)
    start_date = serializers.DateField(read_only=True)
    planned_end_date = serializers.DateField(read_only=True, allow_null=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)
    outcome = serializers.CharField(read_only=True)
    consent = serializers.CharField(read_only=True)


class ClientDetailSerializer(serializers.Serializer[Any]):
    """The full record: only through the accessor, and every read is audited."""

    id = serializers.IntegerField(source="pk", read_only=True)
    display_name = serializers.CharField(read_only=True)
    given_name = serializers.CharField(read_only=True)
    family_name = serializers.CharField(read_only=True)
    date_of_birth = serializers.DateField(read_only=True)
    preferred_language = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)
    protected_identity = serializers.BooleanField(read_only=True)
    own_words = serializers.CharField(read_only=True,
                                      help_text=_("What matters to the client, as they said "
                                                  "it."))
    pseudonym = serializers.CharField(read_only=True)
    episodes = EpisodeSerializer(many=True, read_only=True, source="episodes.all")


class RelationshipSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk", read_only=True)
    client = ClientRefSerializer(read_only=True)
    episode = serializers.IntegerField(source="episode_id", read_only=True)
    unit = UnitSerializer(source="episode.unit", read_only=True)
    keyworker = PersonSerializer(read_only=True)
    deputy = PersonSerializer(read_only=True, allow_null=True)
    status = serializers.CharField(read_only=True)
    start_reason = serializers.CharField(read_only=True)
    proposed_on = serializers.DateField(read_only=True)
    started_on = serializers.DateField(read_only=True, allow_null=True)
    ending_from = serializers.DateField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class RelationshipDetailSerializer(RelationshipSerializer):
    start_note = serializers.CharField(read_only=True)
    end_reason = serializers.CharField(read_only=True)
    end_note = serializers.CharField(read_only=True)
    post_closure_until = serializers.DateField(read_only=True, allow_null=True)
    has_introduction = serializers.BooleanField(read_only=True)


class AddendumSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk", read_only=True)
    text = serializers.CharField(read_only=True)
    author = PersonSerializer(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class ContactSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk", read_only=True)
    relationship = serializers.IntegerField(source="relationship_id", read_only=True)
    client = ClientRefSerializer(read_only=True)
    worker = PersonSerializer(read_only=True)
    occurred_at = serializers.DateTimeField(read_only=True)
    duration_minutes = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=Kind.choices, read_only=True)
    initiated_by = serializers.ChoiceField(choices=Initiator.choices, read_only=True)
    attended = serializers.BooleanField(read_only=True)
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    needs_review = serializers.BooleanField(
        read_only=True, help_text=_("Set when a personal device was used."))
    note = serializers.CharField(read_only=True)
    is_signed = serializers.BooleanField(read_only=True)
    signed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    addenda = AddendumSerializer(many=True, read_only=True, source="addenda.all")


def _choice(choices: Any, message: Any, **kwargs: Any) -> serializers.ChoiceField:
    """A choice whose every error says what the contact page says (the service's words)."""
    errors = dict.fromkeys(("required", "null", "blank", "invalid_choice"), message)
    return serializers.ChoiceField(choices=choices, error_messages=errors, **kwargs)


class ContactCreateSerializer(serializers.Serializer[Any]):
    """Log a contact for a relationship you may write to. The rules and their messages are
    the contact page's: both call the same service."""

    relationship = serializers.IntegerField(
        error_messages={"required": _("Say which relationship the contact belongs to."),
                        "invalid": _("Say which relationship the contact belongs to.")})
    occurred_at = serializers.DateTimeField(
        required=False, help_text=_("When it happened; now if left out."))
    kind = _choice(Kind.choices, _("Choose the kind of contact."))
    duration_minutes = serializers.IntegerField(
        default=15, error_messages={"invalid": _("Give the length in minutes, up to a day.")})
    initiated_by = _choice(Initiator.choices, _("Choose who started the contact."),
                           default=Initiator.WORKER)
    attended = serializers.BooleanField(default=True)
    channel = _choice(Channel.choices, _("Choose the channel."), default=Channel.IN_PERSON)
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 max_length=4000, trim_whitespace=False)
    sign = serializers.BooleanField(
        default=False, help_text=_("Sign the note now; a signed note is read-only."))


class ContactFilterSerializer(serializers.Serializer[Any]):
    client = serializers.IntegerField(required=False,
                                      help_text=_("Only this client's contacts."))
    relationship = serializers.IntegerField(required=False,
                                            help_text=_("Only this relationship's contacts."))
