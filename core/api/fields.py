"""Serializer fields shared by every resource's API."""

from rest_framework import serializers


class NamedRelatedField(serializers.SlugRelatedField):
    """A related record named by a text key: a conflict's slug, a party's code, a source's name.

    PostgreSQL text cannot hold the NUL character, and a query comparing with one is refused
    by the driver (a 500): a name holding one cannot exist, so it is answered as unknown.
    """

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)
