"""Sections other features add to the complaint page without editing its template.

A feature module (complaints/views/<feature>.py, imported with the URLs) registers at import:

    from complaints.panels import complaint_panels
    from core.panels import Panel

    complaint_panels.register(Panel(
        key="documents",                                   # unique; re-registering replaces
        template_name="complaints/complaint_documents.html",
        permission="complaints.view_casedocument",         # shown only to holders
        context=lambda user, complaint: {...},             # read through restrict(user)
    ))

A feature whose panel has its own form for a step of the complaint (e.g. route, transfer) may list
the step in `actions_in_panels` so the page's generic Actions card does not offer it twice:

    actions_in_panels.update({"route", "transfer"})

The complaint page renders every registered panel the user may see, in registration order, with
`object` (the complaint) plus the panel's context. A panel must never show the complainant's
identity or original material: the unit complained about opens the same page.
"""

from __future__ import annotations

from core.panels import PanelRegistry

complaint_panels = PanelRegistry()
# Transition names offered by a panel's own form (left out of the generic Actions card).
actions_in_panels: set[str] = set()
