"""What the forms of every domain share: the base class, whose messages come from our catalogue where WTForms' own
Chinese says something else, and the version field."""

from __future__ import annotations

from flask_babel import gettext
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from markupsafe import escape
from wtforms import HiddenField, widgets

from casetrack.i18n import N_

#: WTForms' messages that its Chinese catalogue gets wrong — "Number must be at least 1." reads "数值必须大于 1"
#: (greater than), which refuses the 1 it allows; "This field cannot be edited." reads "该字段是必填字段" (required)
#: — translated in ours instead.
OWN_MESSAGES = frozenset(
    {
        N_("Number must be at least %(min)s."),
        N_("Number must be at most %(max)s."),
        N_("Number must be between %(min)s and %(max)s."),
        N_("This field cannot be edited."),
        N_("Not a valid week value."),
    }
)


class _Translations:
    """WTForms asks this for its messages: ours for OWN_MESSAGES, its own catalogue for the rest."""

    def gettext(self, string: str) -> str:
        # Without params flask_babel returns the translation as it is; WTForms fills %(min)s itself.
        return gettext(string) if string in OWN_MESSAGES else wtforms_translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return wtforms_translations.ngettext(singular, plural, n)


_TRANSLATIONS = _Translations()


class Select(widgets.Select):
    """WTForms' select writing its plain options (no attributes of their own) directly, as WTForms writes them: a
    select of the district's 500 units took 15 ms through html_params, a fifth of a case page."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = escape(str(choice.value) if isinstance(choice.value, bool) else choice.value)
        label = escape(choice.label or choice.value)
        return (
            f'<option selected value="{value}">{label}</option>'
            if choice.selected
            else (f'<option value="{value}">{label}</option>')
        )


class Form(FlaskForm):
    """The base of every form in casetrack (a test checks that none is a bare FlaskForm)."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _TRANSLATIONS

        def render_field(self, field, render_kw):
            if type(field.widget) is widgets.Select:
                field.widget = Select(multiple=field.widget.multiple)
            return super().render_field(field, render_kw)


class VersionField(HiddenField):
    """The version of the record the page was made from (optimistic locking: unit_of_work.check_version). A post
    without one, or with an empty one, carries the empty string, never None: None is how a job or a command says it
    does not check, and a form must not be able to say that by leaving the field out."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("default", "")
        super().__init__(label, validators, **kwargs)
