"""Serializers of `/api/v1/complaints/`: the matter only.

No serializer here has a field for the complainant's identity, the original text, the receipt
code or the query password: they cannot leak through a list, a detail or a transition's answer.
The complainants are read only through `GET complaints/{id}/complainants/`, which goes through
complaints.services.protection (audited, 404 for the unit complained about).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.choices import Channel
from complaints.models import Category, Complainant, Complaint, ComplaintAttributeValue
from complaints.services import protection
from complaints.services.intake import MAX_REPRESENTATIVES
from core.api.serializers import ScopedPrimaryKeyRelatedField, VisibleCharField
from core.models import Department, Premises, Region, User
from core.validators import validate_latitude, validate_longitude

# Never serialized, whatever a future field list says (checked by the tests).
PROTECTED_FIELDS = frozenset({"query_password", "receipt_code", "service_request_token"})


class ComplaintListSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    department_name = serializers.CharField(
        source="department.name", read_only=True, allow_null=True, default=None
    )
    next_due = serializers.DateTimeField(read_only=True, allow_null=True, default=None)
    next_due_provisional = serializers.BooleanField(
        read_only=True,
        default=False,
        help_text=_(
            "True while next_due was counted without the year's official holidays: it may "
            "move when the year's calendar is entered."
        ),
    )

    class Meta:
        model = Complaint
        fields = [
            "id", "number", "title", "state", "channel", "category", "category_name", "region",
            "region_name", "department", "department_name", "received_at", "next_due",
            "next_due_provisional", "repeat_count", "transfer_count", "version",
        ]  # fmt: skip
        read_only_fields = fields


class AnswerSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="attribute.code", read_only=True)
    question = serializers.CharField(source="attribute.description", read_only=True)

    class Meta:
        model = ComplaintAttributeValue
        fields = ["code", "question", "value"]
        read_only_fields = fields


class ComplaintSerializer(ComplaintListSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta(ComplaintListSerializer.Meta):
        fields = [
            *ComplaintListSerializer.Meta.fields,
            "summary", "public_summary", "address", "lat", "long", "premises", "handler",
            "registered_by",
            "contact_known", "visitor_count", "routed_at", "routing_note", "accepted_at",
            "objection_reason", "not_accepted_reason", "referral_body", "referral_reason",
            "referral_result", "outcome", "opinion_delivered_at", "review_requested_at",
            "review_delivered_at", "rereview_requested_at", "concluded_at",
            "concluded_after_rereview", "previous_case", "public_note", "answers", "updated",
            "opinion_unit", "review_unit",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, instance: Complaint) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None:
            return data
        readable = protection.readable_fields(request.user, instance, list(data))
        return {name: value for name, value in data.items() if name in readable}


class ComplainantInSerializer(serializers.Serializer):
    name = VisibleCharField(max_length=100, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    address = VisibleCharField(max_length=255, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    is_representative = serializers.BooleanField(required=False, default=False)


class RespondentInSerializer(serializers.Serializer):
    department = ScopedPrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True, default=None
    )
    premises = ScopedPrimaryKeyRelatedField(
        queryset=Premises.objects.all(), required=False, allow_null=True, default=None
    )
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True,
        default=None,
    )  # fmt: skip

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not any(attrs.get(key) for key in ("department", "premises", "user")):
            raise serializers.ValidationError("Name a unit, premises or staff member.")
        return attrs


class ComplaintCreateSerializer(serializers.Serializer):
    """What a clerk registers; identity and original words are stored apart (protected)."""

    channel = serializers.ChoiceField(choices=Channel.choices)
    category = ScopedPrimaryKeyRelatedField(queryset=Category.objects.all())
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all())
    title = VisibleCharField(max_length=200)
    summary = VisibleCharField(required=False, allow_blank=True, default="")
    original_text = VisibleCharField(required=False, allow_blank=True, default="")
    address = VisibleCharField(max_length=255, required=False, allow_blank=True, default="")
    lat = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None,
        validators=[validate_latitude],
    )  # fmt: skip
    long = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None,
        validators=[validate_longitude],
    )  # fmt: skip
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    premises = ScopedPrimaryKeyRelatedField(
        queryset=Premises.objects.all(), required=False, allow_null=True, default=None
    )
    complainants = ComplainantInSerializer(many=True, required=False, default=list)
    respondents = RespondentInSerializer(many=True, required=False, default=list)
    answers = serializers.DictField(
        child=serializers.CharField(max_length=500, allow_blank=True), required=False,
        default=dict,
    )  # fmt: skip
    visitor_count = serializers.IntegerField(min_value=1, max_value=1000, default=1)

    def validate_complainants(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Letters and Visits Regulations 2022, Art. 18: at most 5 representatives.
        if sum(1 for person in value if person.get("is_representative")) > MAX_REPRESENTATIVES:
            raise serializers.ValidationError(
                f"A joint visit sends at most {MAX_REPRESENTATIVES} representatives."
            )
        return value


class ReceiptSerializer(serializers.Serializer):
    """The answer to a registration: the query password is shown this once, never again."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    receipt_code = serializers.CharField()
    query_password = serializers.CharField()
    state = serializers.CharField()
    version = serializers.IntegerField()


class ComplainantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Complainant
        fields = ["id", "name", "id_number", "phone", "address", "email", "is_representative"]
        read_only_fields = fields
