"""Admin for casualties records. Persons and statements are saved through the services."""

from casualties.admin import history, persons, reference, statements  # noqa: F401
