"""The ledger upload form: a file and the "import the valid rows" choice."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.imports import ImportFileError, check_upload, max_import_bytes


class LedgerImportForm(forms.Form):
    file = forms.FileField(
        label=_("Hazard ledger (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    valid_rows_only = forms.BooleanField(
        label=_("Import the valid rows"),
        required=False,
        help_text=_(
            "Otherwise nothing is imported while any row has a problem; the report lists them."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = round(max_import_bytes() / 1048576)
        self.fields["file"].help_text = _("At most %(limit)s MB; the first sheet is read.") % {
            "limit": limit
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload)
        except ImportFileError as error:
            raise ValidationError(str(error), code="bad_file") from error
        return upload
