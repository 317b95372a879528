"""Images anyone may download, kept without what their files say about who made them.

A photo from a phone carries its EXIF: where it was taken (GPS), when, the make and serial
number of the phone, sometimes its owner's name; XMP and IPTC add the photographer and the
editing software's history, and an upload's file name can say as much ("from Abdulaziz,
Istanbul.jpg"). A portrait of Mamat may well come from his family, whose whereabouts this site
must never reveal. So every image staff upload for the public is drawn again from its pixels
alone, before it is stored:

- turned upright first (the EXIF orientation is the one tag a visitor needs: it goes into the
  pixels), and its colours brought into sRGB (its colour profile goes the same way);
- no larger than the site ever shows it, which also spares a phone a 5 MB photo;
- written afresh as JPEG (or PNG, where it has transparency), with nothing but its pixels,
  under a name made from its content.

`PublicImageField` does it for every way a file is stored (the admin's form, a script, a data
migration); its form field refuses a file Pillow cannot draw with a translated error.
"""

import base64
import contextlib
import hashlib
import io
import warnings
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps

# The longest side an image keeps, in pixels: a link preview's 1200 × 630 fits, and the portrait
# stays sharp on a phone's dense screen, where it is drawn some 400 pixels wide.
LONGEST_SIDE = 1600
JPEG_QUALITY = 85
# A 108-megapixel phone photo stays inside; what could exhaust a worker's memory does not.
MOST_PIXELS = 120_000_000

_SRGB = ImageCms.createProfile("sRGB")


class RedrawnImage(ContentFile):
    """An image's new file: its pixels alone, under a name made from them."""


def image_redrawn(upload: File) -> RedrawnImage:
    """Return the image in `upload` drawn again from its pixels, with no metadata.

    Raises ValueError when the file is not an image Pillow can draw whole.
    """
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 megapixels; phones that make more (108, 200) exist.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as source:
                if source.width * source.height > MOST_PIXELS:
                    raise ValueError(f"{source.width} × {source.height} pixels is too many")
                pixels = _pixels_upright(source)
    # A damaged file can fail anywhere in a decoder, with any error (Django's ImageField
    # catches them all too).
    except Exception as error:
        raise ValueError(f"not an image that can be drawn: {error}") from error
    return _written(pixels)


def _pixels_upright(source: Image.Image) -> Image.Image:
    """The source's pixels, upright, in sRGB, at most LONGEST_SIDE, in a new image."""
    source.draft("RGB", (LONGEST_SIDE, LONGEST_SIDE))  # JPEG: decode at a smaller scale
    upright = ImageOps.exif_transpose(source)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    profile = upright.info.get("icc_profile")
    if profile and upright.mode in ("RGB", "RGBA", "CMYK"):
        with contextlib.suppress(ImageCms.PyCMSError):  # a broken profile: the pixels as they are
            in_srgb = ImageCms.profileToProfile(
                upright, ImageCms.ImageCmsProfile(io.BytesIO(profile)), _SRGB, outputMode=mode
            )
            upright = in_srgb if in_srgb is not None else upright
    converted = upright.convert(mode)
    converted.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
    # A new image holds nothing of the source's `info` (EXIF, XMP, comments, text chunks).
    pixels = Image.new(mode, converted.size)
    pixels.paste(converted)
    return pixels


def _written(pixels: Image.Image) -> RedrawnImage:
    output = io.BytesIO()
    if pixels.mode == "RGBA":
        pixels.save(output, "PNG", optimize=True)
        extension = "png"
    else:
        pixels.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        extension = "jpg"
    content = output.getvalue()
    name = f"{hashlib.sha256(content).hexdigest()[:20]}.{extension}"
    return RedrawnImage(content, name=name)


def image_data_url(image: RedrawnImage) -> str:
    """Return an image not stored yet as a `data:` URL, for a preview that must save nothing."""
    media_type = "image/png" if (image.name or "").endswith(".png") else "image/jpeg"
    image.seek(0)
    return f"data:{media_type};base64,{base64.b64encode(image.read()).decode('ascii')}"


class PublicImageFormField(forms.ImageField):
    default_error_messages = {
        "not_drawable": _(
            "This image could not be read in full. Upload a photo in JPEG, PNG or WebP format, "
            "of at most 120 megapixels."
        ),
    }

    def to_python(self, data: Any) -> Any:
        upload = super().to_python(data)
        if upload is None:
            return None
        try:
            return image_redrawn(upload)
        except ValueError as error:
            raise ValidationError(
                self.error_messages["not_drawable"], code="not_drawable"
            ) from error


class PublicImageFieldFile(ImageFieldFile):
    def save(self, name: str, content: File, save: bool = True) -> None:
        # Every way a file is stored comes here: a form's upload (already redrawn, by the form
        # field, which refuses what cannot be drawn), an assigned file, `.save()` in a script.
        if not isinstance(content, RedrawnImage):
            content = image_redrawn(content)
        super().save(content.name or name, content, save)


class PublicImageField(models.ImageField):
    """An ImageField whose every new file is drawn again from its pixels (see above)."""

    attr_class = PublicImageFieldFile

    def update_dimension_fields(
        self, instance: models.Model, force: bool = False, **kwargs: Any
    ) -> None:
        # Only when a file is assigned, never when a row is loaded: Django would open the file of
        # every row loaded without its size (the menu loads every page), and a lost file would
        # then break every page of the site.
        if force:
            super().update_dimension_fields(instance, force=True, **kwargs)

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return super().formfield(
            form_class=form_class or PublicImageFormField,
            choices_form_class=choices_form_class,
            **kwargs,
        )


def stored_image_redraw(*, instance: models.Model, field_name: str) -> bool:
    """Draw again an image stored before its field drew every new one, and delete the old file.

    Returns whether it did: a row without an image, or whose file is gone or no image Pillow
    can draw, is left as it is.
    """
    stored = getattr(instance, field_name)
    if not stored:
        return False
    try:
        with stored.open("rb"):
            redrawn = image_redrawn(stored)
    except (FileNotFoundError, ValueError):
        return False
    old_name = stored.name
    stored.save(redrawn.name, redrawn)
    stored.storage.delete(old_name)
    return True
