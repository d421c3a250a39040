"""Admin for the forensic records: forensic coordinators and admins only. Records are saved by
``record_save``; proposals are made and decided on the board (pages or API), so they are read
only here, as is the log of AM reads (admins only)."""

from django.contrib import admin

from core.admin import ServiceErrorsMixin, adopt, model_values
from core.tiers import is_forensic
from identification import services
from identification.models import (
    Aftercare,
    AmAccess,
    AnteMortem,
    DnaMatchReport,
    PostMortem,
    Proposal,
    Sample,
)


class ForensicAdmin(admin.ModelAdmin):
    def _allowed(self, request) -> bool:
        return is_forensic(request.user)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        services.record_save(instance=obj, user=request.user)


@admin.register(PostMortem)
class PostMortemAdmin(ForensicAdmin):
    list_display = ["remains", "container", "fragment_no", "sex", "age_min", "age_max"]
    raw_id_fields = ["remains"]


@admin.register(AnteMortem)
class AnteMortemAdmin(ForensicAdmin):
    list_display = ["person", "sex", "birth_year", "region", "last_seen_on"]
    raw_id_fields = ["person"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        if record is not None:
            services.am_access_record(
                user=request.user, person_ids=[record.person_id], path=request.path
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        """The list shows AM data too (sex, birth year, region, last seen): each person on the
        page shown is logged as read, as the API's list does."""
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            person_ids = [record.person_id for record in changelist.result_list]
            if person_ids:
                services.am_access_record(
                    user=request.user, person_ids=person_ids, path=request.path
                )
        return response


@admin.register(Sample)
class SampleAdmin(ForensicAdmin):
    list_display = ["reference", "source", "relationship", "lab_status", "taken_on"]
    raw_id_fields = ["remains", "person"]


@admin.register(DnaMatchReport)
class DnaMatchReportAdmin(ForensicAdmin):
    list_display = ["remains", "person", "likelihood_ratio", "lab", "reported_on"]
    raw_id_fields = ["remains", "person"]


@admin.register(Aftercare)
class AftercareAdmin(ServiceErrorsMixin, ForensicAdmin):
    """Saved by ``aftercare_save``, so its date checks apply and the remains' disposition
    follows; its refusal is shown on the form. The remains are fixed once the record exists:
    it is theirs (one each)."""

    list_display = ["remains", "family_notified_on", "released_to_family_on", "buried_on"]
    raw_id_fields = ["remains", "family_notified_by"]

    def get_readonly_fields(self, request, obj=None):
        return ["remains"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = {name: value for name, value in model_values(form).items() if name != "remains"}
        saved = services.aftercare_save(user=request.user, remains=obj.remains, **data)
        adopt(obj, saved)


@admin.register(Proposal)
class ProposalAdmin(ForensicAdmin):
    list_display = ["remains", "person", "state", "proposed_by", "proposed_at", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AmAccess)
class AmAccessAdmin(admin.ModelAdmin):
    list_display = ["read_at", "viewer", "person", "path"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
