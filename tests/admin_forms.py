"""Build the POST a browser would send from an admin add/change page, as the page rendered it."""

import datetime

from django.db.models import Model


def _post_value(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is True:
        return "on"
    return value


def page_post_data(response, **overrides) -> dict:
    """Every field of the main form, every inline form and every management form, then overrides.

    Unchecked boxes and empty values are left out, as a browser would; ``None`` in overrides
    removes a field.
    """
    context = response.context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = _post_value(form[name].value())
            if value is not None and value is not False:
                data[form.add_prefix(name)] = value
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
