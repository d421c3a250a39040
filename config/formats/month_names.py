"""Armenian genitive month names for long dates.

Django's date format character "E" uses pgettext("alt. month", ...). Django's
hy catalogue translates those with the nominative, capitalised names
("Սեպտեմբեր"), but an Eastern Armenian date puts the month in the genitive:
"2022 թ. սեպտեմբերի 19". Translations in LOCALE_PATHS take precedence over
Django's, so locale/hy supplies the genitive. These marks exist only so that
makemessages keeps those msgids in this project's catalogues (the ru catalogue
repeats Django's own Russian genitive names).
"""

from django.utils.translation import pgettext_lazy

MONTHS_ALT = {
    1: pgettext_lazy("alt. month", "January"),
    2: pgettext_lazy("alt. month", "February"),
    3: pgettext_lazy("alt. month", "March"),
    4: pgettext_lazy("alt. month", "April"),
    5: pgettext_lazy("alt. month", "May"),
    6: pgettext_lazy("alt. month", "June"),
    7: pgettext_lazy("alt. month", "July"),
    8: pgettext_lazy("alt. month", "August"),
    9: pgettext_lazy("alt. month", "September"),
    10: pgettext_lazy("alt. month", "October"),
    11: pgettext_lazy("alt. month", "November"),
    12: pgettext_lazy("alt. month", "December"),
}
