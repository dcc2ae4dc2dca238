"""An irreversible step asks first, in headless Chromium: the unit leader clicks "Approve" on a
submitted written opinion, reads what approving does (the document is numbered and frozen), and
nothing is approved until they confirm."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from complaints.choices import ComplaintState, DocumentState
from complaints.machines.documents import DOCUMENT
from complaints.models import CaseDocument
from complaints.services import documents as service
from complaints.tests.factories import advance, complaint_world, file_complaint
from complaints.tests.test_documents import PARTS
from testing.browser import log_in
from testing.world import PASSWORD, build_world

pytestmark = pytest.mark.browser


def test_approving_an_opinion_says_what_happens_and_changes_nothing_until_confirmed(
    transactional_db: Any, live_server: Any, chromium: Any
) -> None:
    cw = complaint_world(build_world())
    complaint = advance(file_complaint(cw).complaint, cw, ComplaintState.HANDLING)
    draft = service.draft_opinion(complaint, cw.user("handler"), "opinion", **PARTS)
    document = service.submit(draft, cw.user("handler"))
    step = DOCUMENT.transition("approve")
    assert step is not None
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, cw.user("leader").username, PASSWORD)
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}{reverse('complaints:document_detail', args=[document.pk])}")

        # When the leader clicks "Approve", the page says what approving does ...
        page.click("button[data-action=approve]")
        with translation.override(page.get_attribute("html", "lang")):
            warning = str(step.confirm)
        assert page.inner_text("[data-confirm-text]") == warning
        # ... and nothing is approved yet: no number, still awaiting approval.
        unchanged = CaseDocument.objects.get(pk=document.pk)
        assert (unchanged.state, unchanged.number) == (DocumentState.SUBMITTED, "")

        # Then they confirm: the document is approved and numbered.
        page.click("button[data-confirm-yes]")
        page.wait_for_selector(f"[data-state={DocumentState.APPROVED}]")
        approved = CaseDocument.objects.get(pk=document.pk)
        assert approved.state == DocumentState.APPROVED and approved.number
        assert approved.approved_by == cw.user("leader")
    finally:
        context.close()
