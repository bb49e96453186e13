"""Cost assumptions: the figures that price a plan's hires."""

from django import forms
from django.contrib import admin, messages

from assessments import services
from assessments.admin.history import ViewOnlyHistoryAdmin
from assessments.advice import CostsInvalid, parse_costs
from assessments.advice.costs import MAX_COST, SENIORITIES
from assessments.advice.domain import ROLES
from assessments.models import CostAssumptions
from assessments.selectors import active_cost_table


def cost_field(role: str, seniority: str) -> str:
    """The form field of one figure, e.g. ``data_engineer_senior``."""
    return f"{role}_{seniority}"


# ``parse_costs`` names each figure by its path in the cost table.
COST_FIELDS = {
    f"yearly_cost.{role}.{seniority}": cost_field(role, seniority)
    for role, _label in ROLES
    for seniority in SENIORITIES
}


class _CostAssumptionsForm(forms.ModelForm):
    """Currency, note, active, and one whole number per role and seniority.

    The figures become the cost table of a ``teamplan --costs`` file and
    ``parse_costs`` checks it, as it checks the file; each of its errors is
    shown beside the field it names.
    """

    class Meta:
        model = CostAssumptions
        fields = ["currency", "note", "active"]
        labels = {"active": "Active: reports use this set"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.yearly_cost:
            for role, costs in self.instance.yearly_cost.items():
                for seniority, amount in costs.items():
                    self.initial.setdefault(cost_field(role, seniority), amount)

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        data = {
            "currency": cleaned.get("currency"),
            "yearly_cost": {
                role: {s: cleaned.get(cost_field(role, s)) for s in SENIORITIES}
                for role, _label in ROLES
            },
        }
        try:
            table = parse_costs(data)
        except CostsInvalid as invalid:
            for error in invalid.errors:
                field = COST_FIELDS.get(error.field, error.field)
                if field not in self.fields:
                    self.add_error(None, str(error))
                elif field not in self.errors:  # Django said it first (required…)
                    message = error.message
                    self.add_error(field, f"{message[:1].upper()}{message[1:]}.")
            return cleaned
        self.instance.yearly_cost = table["yearly_cost"]
        return cleaned


SENIORITY_LABELS = {"senior": "senior", "mid": "mid-level"}

CostAssumptionsForm = type(
    "CostAssumptionsForm",
    (_CostAssumptionsForm,),
    {
        cost_field(role, seniority): forms.IntegerField(
            label=f"{label}, {SENIORITY_LABELS[seniority]}",
            # A hint for the browser; parse_costs decides.
            widget=forms.NumberInput(attrs={"min": 0, "max": MAX_COST, "step": 1}),
        )
        for role, label in ROLES
        for seniority in SENIORITIES
    },
)


@admin.register(CostAssumptions)
class CostAssumptionsAdmin(ViewOnlyHistoryAdmin):
    form = CostAssumptionsForm
    list_display = ["currency", "active", "created_at", "created_by", "note"]
    list_filter = ["active"]
    list_select_related = ["created_by"]
    readonly_fields = ["created_at", "created_by"]
    actions = ["make_active"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["currency", "active", "note"]}),
            (
                "Yearly cost of one person",
                {
                    "description": (
                        "Whole numbers in the currency above. The client's "
                        "roadmap shows them as your consultancy's assumptions."
                    ),
                    "fields": [
                        tuple(cost_field(role, s) for s in SENIORITIES)
                        for role, _label in ROLES
                    ],
                },
            ),
        ]
        if obj is not None:
            fieldsets.append(("Created", {"fields": ["created_at", "created_by"]}))
        return fieldsets

    def get_changeform_initial_data(self, request):
        # A new set starts as a copy of the active one: change what changed.
        initial = super().get_changeform_initial_data(request)
        table = active_cost_table()
        if table is not None:
            initial.setdefault("currency", table["currency"])
            for role, costs in table["yearly_cost"].items():
                for seniority, amount in costs.items():
                    initial.setdefault(cost_field(role, seniority), amount)
        return initial

    def save_model(self, request, obj, form, change):
        services.cost_assumptions_save(assumptions=obj, by=request.user)

    @admin.action(description="Make the selected set active", permissions=["change"])
    def make_active(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Select exactly one set to make active.", messages.WARNING
            )
            return
        assumptions = queryset.get()
        services.cost_assumptions_activate(assumptions=assumptions, by=request.user)
        self.message_user(request, f"Reports now use {assumptions}.")
