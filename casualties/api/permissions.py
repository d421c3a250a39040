from rest_framework.permissions import SAFE_METHODS, BasePermission


class RecordStatusChange(BasePermission):
    """Anyone reads a person's status history; recording a change needs
    ``casualties.add_statuschange`` (clerks and verifiers hold it). The person's own
    ``change_person`` is not the right test: a status moves by adding a StatusChange."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("casualties.add_statuschange"))
