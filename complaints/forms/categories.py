"""Forms for the matter-category tree: categories, their routes, questions and answer options,
and the "which unit gets it?" box."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import AttributeOption, Category, CategoryAttribute, CategoryRoute
from core.forms import RestrictedModelForm, style_for_bootstrap
from core.models import Region, User


class CategoryForm(RestrictedModelForm):
    class Meta:
        model = Category
        fields = ["code", "name", "parent", "description", "sector", "hotline_limit",
                  "keywords", "public", "published"]  # fmt: skip


class CategoryRouteForm(RestrictedModelForm):
    class Meta:
        model = CategoryRoute
        fields = ["category", "region", "department"]


class CategoryAttributeForm(RestrictedModelForm):
    class Meta:
        model = CategoryAttribute
        fields = ["category", "code", "description", "datatype", "required", "order"]


class AttributeOptionForm(RestrictedModelForm):
    class Meta:
        model = AttributeOption
        fields = ["attribute", "key", "name"]


class RoutingTestForm(forms.Form):
    """Pick a category and a place: the page shows where such a matter would be routed."""

    category = forms.ModelChoiceField(Category.objects.none(), label=_("Category"))
    region = forms.ModelChoiceField(Region.objects.none(), label=_("Where"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        region = self.fields["region"]
        assert isinstance(category, forms.ModelChoiceField)
        assert isinstance(region, forms.ModelChoiceField)
        category.queryset = Category.objects.restrict(user, "view")
        region.queryset = Region.objects.restrict(user, "view").order_by("path")
        style_for_bootstrap(self)
