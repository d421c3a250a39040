from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly


class ReadOpenWriteByModelPermission(DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads (the serializer decides which fields); writing needs the model permission
    of the caller's group: POST ``add_<model>``, PATCH ``change_<model>``."""
