"""Review history pages: labels instead of raw keys, and no restoring."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject, ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from assessments import services
from assessments.models import REVIEW_TEXT_MAX_LENGTH, Assessment


def _history_value(field, value) -> str:
    if isinstance(value, DeletedObject):
        # simple-history also stands for an empty foreign key this way.
        return "" if value.pk is None else str(value)
    if value is None or value == "":
        return ""
    if hasattr(value, "get_username"):
        return value.get_username()
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


class ReviewHistoryHelper(HistoricalRecordContextHelper):
    """Changes as a consultant reads them: field names, choice labels, usernames."""

    def __init__(self, model, record):
        # Reasons and notes are read in full, never cut to simple-history's
        # default 100 characters; escaping can make a value up to six times
        # longer than its limit.
        super().__init__(
            model, record, max_displayed_delta_change_chars=6 * REVIEW_TEXT_MAX_LENGTH
        )

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        return _history_value(field, value) or "—"


def review_changes(record, previous) -> list[ModelChange]:
    """The review fields ``record`` changed since ``previous``, in form order.

    Each has the field's label, and the old and new values as escaped text.
    """
    delta = record.diff_against(
        previous, included_fields=services.REVIEW_FIELDS, foreign_keys_are_objs=True
    )
    helper = ReviewHistoryHelper(Assessment, record)
    return [
        helper.format_delta_change(change)
        for change in sorted(
            delta.changes, key=lambda c: services.REVIEW_FIELDS.index(c.field)
        )
    ]


class ViewOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Old versions can be looked at, not restored: a revert would bypass the
    service that checks and records every change."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
