# Armenian (hy) formats. Django ships Armenian translations (month and day
# names) but no django/conf/locale/hy/formats.py, so these are ours; they are
# found through FORMAT_MODULE_PATH = ["config.formats"] in settings.
#
# Syntax: https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date
#
# Long dates follow the standard Eastern Armenian (and official Republic of
# Armenia) order: year with "թ." (թվական, "year"), then the month in the
# genitive, then the day: "2022 թ. սեպտեմբերի 19", as in "2022 թվականի
# սեպտեմբերի 19" in laws and government decisions (CLDR's hy full date is
# likewise "y թ. MMMM d"). "E" is Django's alternative (genitive) month name,
# pgettext("alt. month", ...). Django's own hy catalogue gives the nominative,
# capitalised name there ("Սեպտեմբեր"), so this project's locale/hy catalogue
# supplies the lower-case genitive forms ("սեպտեմբերի"); see
# config/formats/month_names.py.
DATE_FORMAT = "Y թ. E j"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y թ. E j, H:i"
YEAR_MONTH_FORMAT = "F Y թ."  # month alone: nominative, capitalised first word
MONTH_DAY_FORMAT = "E j"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# https://docs.python.org/library/datetime.html#strftime-behavior
# The first format is used to display a date in a form input: ISO first, as
# the forms say "YYYY-MM-DD" and <input type="date"> needs it.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2022-09-19' (ISO 8601)
    "%d.%m.%Y",  # '19.09.2022'
    "%d.%m.%y",  # '19.09.22'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # '2022-09-19 14:30:59'
    "%Y-%m-%d %H:%M:%S.%f",  # '2022-09-19 14:30:59.000200'
    "%Y-%m-%d %H:%M",  # '2022-09-19 14:30'
    "%d.%m.%Y %H:%M:%S",  # '19.09.2022 14:30:59'
    "%d.%m.%Y %H:%M:%S.%f",  # '19.09.2022 14:30:59.000200'
    "%d.%m.%Y %H:%M",  # '19.09.2022 14:30'
    "%d.%m.%y %H:%M:%S",  # '19.09.22 14:30:59'
    "%d.%m.%y %H:%M",  # '19.09.22 14:30'
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space: 1 234 567
NUMBER_GROUPING = 3
