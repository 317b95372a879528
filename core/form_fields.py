"""Django's form fields and widgets, copied for each form built at a fraction of the cost.

A form copies its fields when it is built, so that what one form changes never reaches
another (`BaseForm.__init__`); each field copies its widget. Both copy themselves with
`copy.copy`, which for Django's classes goes through the pickle protocol (`__reduce_ex__`,
then `copy._reconstruct`): a few microseconds an object. The classes here give `copy.copy` a
`__copy__` that makes what that protocol makes of them, a new object of the same class with
the same attributes, without the protocol. Nothing else differs from Django's own class, and a
field's default widget is this module's too.

For a form built for every request of a surge: the signature form's 23 fields and widgets
cost about 6 % of a signature's CPU before (docs/performance.md).
"""

from typing import Self

from django import forms


class CopiedCheaply:
    """`copy.copy` of the object as Python's default makes it, its `__dict__` in a new one.

    Only for classes whose attributes all live in `__dict__` and that define neither
    `__getstate__`, `__setstate__` nor `__reduce__`: Django's form fields and widgets.
    """

    def __copy__(self) -> Self:
        copied = self.__class__.__new__(self.__class__)
        copied.__dict__.update(self.__dict__)
        return copied


class TextInput(CopiedCheaply, forms.TextInput):
    pass


class EmailInput(CopiedCheaply, forms.EmailInput):
    pass


class Textarea(CopiedCheaply, forms.Textarea):
    pass


class CheckboxInput(CopiedCheaply, forms.CheckboxInput):
    pass


class HiddenInput(CopiedCheaply, forms.HiddenInput):
    pass


class Select(CopiedCheaply, forms.Select):
    pass


class CharField(CopiedCheaply, forms.CharField):
    widget = TextInput


class EmailField(CopiedCheaply, forms.EmailField):
    widget = EmailInput


class BooleanField(CopiedCheaply, forms.BooleanField):
    widget = CheckboxInput


class ChoiceField(CopiedCheaply, forms.ChoiceField):
    widget = Select
