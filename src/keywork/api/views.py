"""The JSON API. Thin on purpose: every record is reached through the same accessors as the
pages (scope, refusal and audit live there) and every write through the same service."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from keywork.api.serializers import (
    ClientDetailSerializer,
    ClientListSerializer,
    ContactCreateSerializer,
    ContactFilterSerializer,
    ContactSerializer,
    ErrorSerializer,
    RelationshipDetailSerializer,
    RelationshipSerializer,
)
from keywork.clients.models import Client, Episode
from keywork.clients.selectors import (
    audit_list,
    clients_for_user,
    get_client_for_user,
)
from keywork.contacts.models import Contact
from keywork.contacts.selectors import get_contact_for_user
from keywork.contacts.services import contact_record
from keywork.core.errors import AccessDenied
from keywork.organisations.selectors import active_membership
from keywork.relationships.models import Relationship
from keywork.relationships.selectors import get_relationship_for_user, relationships_for_user

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not there, or not open to you.")
REFUSED = OpenApiResponse(ErrorSerializer, description="Not signed in, or second factor "
                                                       "missing.")


def _unique(ids: list[int]) -> list[int]:
    return list(dict.fromkeys(ids))


class _AuditedList(generics.ListAPIView):
    """A paginated list of the caller's scope; the page shown is audited as one row."""

    what = ""

    def client_ids(self, rows: list[Any]) -> list[int]:
        return [row.client_id for row in rows]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page) if page is not None else list(self.get_queryset())
        audit_list(user=request.user, what=self.what, clients=_unique(self.client_ids(rows)))
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


@extend_schema(tags=["clients"], responses={200: ClientListSerializer(many=True),
                                            403: REFUSED})
class ClientList(_AuditedList):
    """The clients whose records you may open. Protected identities show their reference
    only."""

    serializer_class = ClientListSerializer
    what = "API client list"

    def get_queryset(self) -> QuerySet[Client]:
        return clients_for_user(self.request.user).order_by("pk")

    def client_ids(self, rows: list[Any]) -> list[int]:
        return [row.pk for row in rows]


@extend_schema(tags=["clients"], responses={200: ClientDetailSerializer, 404: NOT_FOUND,
                                            403: REFUSED})
class ClientDetail(generics.GenericAPIView):
    """One client's full record. Every read is audited."""

    serializer_class = ClientDetailSerializer

    def get(self, request: Request, pk: int) -> Response:
        client = get_client_for_user(user=request.user, pk=pk, purpose="API")
        # Every episode with its unit and legal basis in one query, however many there are.
        prefetch_related_objects([client], Prefetch(
            "episodes", queryset=Episode.objects.select_related("unit", "legal_basis")))
        return Response(self.get_serializer(client).data)


@extend_schema(tags=["relationships"], responses={200: RelationshipSerializer(many=True),
                                                  403: REFUSED})
class RelationshipList(_AuditedList):
    """Keyworker relationships of the clients whose records you may open."""

    serializer_class = RelationshipSerializer
    what = "API relationship list"

    def get_queryset(self) -> QuerySet[Relationship]:
        return relationships_for_user(self.request.user).select_related(
            "client", "episode__unit", "keyworker", "deputy").order_by("-proposed_on", "-pk")


@extend_schema(tags=["relationships"], responses={200: RelationshipDetailSerializer,
                                                  404: NOT_FOUND, 403: REFUSED})
class RelationshipDetail(generics.GenericAPIView):
    serializer_class = RelationshipDetailSerializer

    def get(self, request: Request, pk: int) -> Response:
        relationship = get_relationship_for_user(user=request.user, pk=pk)
        return Response(self.get_serializer(relationship).data)


class ContactList(_AuditedList):
    """Contacts of the clients whose records you may open, newest first; filter by client
    or by relationship. POST logs a new contact."""

    serializer_class = ContactSerializer
    what = "API contact list"

    def get_serializer_class(self) -> type[Any]:
        if self.request.method == "POST":
            return ContactCreateSerializer
        return ContactSerializer

    def get_queryset(self) -> QuerySet[Contact]:
        params = ContactFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        user = self.request.user
        qs = Contact.objects.filter(client__in=clients_for_user(user))
        if "client" in params.validated_data:
            client = get_client_for_user(user=user, pk=params.validated_data["client"],
                                         purpose="API contacts")
            qs = qs.filter(client=client)
        if "relationship" in params.validated_data:
            relationship = get_relationship_for_user(
                user=user, pk=params.validated_data["relationship"])
            qs = qs.filter(relationship=relationship)
        return qs.select_related("client", "worker").prefetch_related(
            "addenda__author").order_by("-occurred_at", "-pk")

    @extend_schema(tags=["contacts"], parameters=[ContactFilterSerializer],
                   responses={200: ContactSerializer(many=True), 404: NOT_FOUND,
                              400: ErrorSerializer, 403: REFUSED})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["contacts"], request=ContactCreateSerializer,
                   responses={201: ContactSerializer, 400: ErrorSerializer, 404: NOT_FOUND,
                              403: REFUSED})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = ContactCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        relationship = get_relationship_for_user(user=request.user,
                                                 pk=data.pop("relationship"), write=True)
        membership = active_membership(request.user)
        if membership is None:  # the accessor has already refused anyone without one
            raise AccessDenied("No membership.")
        data.setdefault("occurred_at", timezone.now())
        contact = contact_record(membership=membership, relationship=relationship, **data)
        body = ContactSerializer(contact).data
        location = reverse("api:contact-detail", kwargs={"pk": contact.pk})
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


@extend_schema(tags=["contacts"], responses={200: ContactSerializer, 404: NOT_FOUND,
                                             403: REFUSED})
class ContactDetail(generics.GenericAPIView):
    serializer_class = ContactSerializer

    def get(self, request: Request, pk: int) -> Response:
        contact = get_contact_for_user(user=request.user, pk=pk)
        return Response(self.get_serializer(contact).data)
