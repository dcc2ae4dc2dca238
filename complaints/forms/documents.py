"""Forms of a complaint's written documents: drafting and editing an opinion, a notice, sending
back, recording delivery, and the complainant's review requests. Plain forms: the services in
complaints.services.documents and .reviews check and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.choices import ISSUED_IN, DeliveryMethod, DocumentKind, OpinionOutcome
from core.forms import style_for_bootstrap

NOTICE_CHOICES = [
    (kind.value, kind.label)
    for kind in (
        DocumentKind.RECEIPT_NOTICE,
        DocumentKind.NOT_ACCEPTED_NOTICE,
        DocumentKind.REFERRAL_NOTICE,
        DocumentKind.EXTENSION_NOTICE,
    )
]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_for_bootstrap(self)


class VersionedForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _text(label: Any, rows: int = 3, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class OpinionPartsMixin(forms.Form):
    # Letters and Visits Regulations 2022, Art. 33: the four parts and the outcome.
    request = _text(_("The request"))
    facts_and_reasons = _text(_("Facts and reasons"), rows=5)
    decision = _text(_("Decision"), rows=4)
    legal_basis = _text(_("Legal basis"))
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "—"), *OpinionOutcome.choices]
    )


class OpinionForm(OpinionPartsMixin, StyledForm):
    """A new draft; it may be incomplete until it is submitted."""


class OpinionEditForm(OpinionPartsMixin, VersionedForm):
    pass


class NoticeEditForm(VersionedForm):
    body = _text(_("Text"), rows=6, required=True)


class NoticeForm(StyledForm):
    kind = forms.ChoiceField(label=_("Notice"), choices=NOTICE_CHOICES)
    body = _text(_("Text"), rows=5)

    def __init__(self, *args: Any, state: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _("Left empty, the standard text for this case is used.")
        if state is not None:  # offer only the notices the law allows in the case's state
            kind_field = self.fields["kind"]
            assert isinstance(kind_field, forms.ChoiceField)
            kind_field.choices = [c for c in NOTICE_CHOICES if state in ISSUED_IN[c[0]]]

    def offers_a_kind(self) -> bool:
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        return bool(kind_field.choices)


class SendBackForm(VersionedForm):
    return_reason = _text(_("Why it is sent back"), required=True)


# The forms of the document's and the complaint's transitions: their field names are the
# transitions' own (the API's `data` keys); files come under their attachment kind.
class DeliveryForm(VersionedForm):
    delivered_at = forms.DateTimeField(
        label=_("Received by the complainant on"),
        widget=DateTimeInput(),
        help_text=_("The review window runs from this date (Arts 35–36)."),
    )
    delivery_method = forms.ChoiceField(label=_("Delivered by"), choices=DeliveryMethod.choices)
    delivery_proof = forms.CharField(
        label=_("Proof of delivery"),
        required=False,
        max_length=200,
        help_text=_("A registered-post number, a signed receipt, a message id…"),
    )
    proof = forms.FileField(label=_("Scan of the proof"), required=False)


class ReviewRequestForm(VersionedForm):
    """The complainant's request in the open window: `review_requested_at` or
    `rereview_requested_at`, the date it reached us."""

    def __init__(self, window: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[f"{window}_requested_at"] = forms.DateTimeField(
            label=_("Request received on"),
            widget=DateTimeInput(),
            help_text=_("The date the complainant's request reached us."),
        )
        # Kept with the original material: the complainant's own words (Arts 30, 46).
        self.fields["reasons"] = forms.CharField(
            label=_("The complainant's reasons"), required=False, max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )  # fmt: skip
        style_for_bootstrap(self)


class HearingForm(VersionedForm):
    pause_reason = forms.CharField(label=_("Note"), required=False, max_length=200)
