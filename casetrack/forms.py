"""Fields the forms of every domain share."""

from __future__ import annotations

from wtforms import HiddenField


class VersionField(HiddenField):
    """The version of the record the page was made from (optimistic locking: unit_of_work.check_version). A post
    without one, or with an empty one, carries the empty string, never None: None is how a job or a command says it
    does not check, and a form must not be able to say that by leaving the field out."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("default", "")
        super().__init__(label, validators, **kwargs)
