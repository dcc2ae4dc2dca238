from django.apps import AppConfig
from django.db.models import fields
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Directory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Apps are imported only once their models are loaded, so these imports wait for ready().
        from django_tables2.columns import library

        from core import tables_speedup
        from core.api.routes import register_directory, register_routes
        from core.health import DATABASE, health_checks
        from core.navigation import AUDIT, DIRECTORY, menu
        from core.tables import MomentColumn

        # Django's own catalogs do not translate its blank choice into Chinese; ours do, and
        # Django reads this name afresh each time it builds a list of choices.
        fields.BLANK_CHOICE_LABEL = _("- Select an option -")
        tables_speedup.install()
        library.register(MomentColumn)
        register_routes(register_directory)
        menu.register(DIRECTORY, AUDIT)
        health_checks.register(DATABASE)
