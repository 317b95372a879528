"""An image staff upload for the public keeps nothing of who took it, where, or with what."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import ExifTags, Image, ImageCms

from core.public_images import LONGEST_SIDE, image_redrawn

TELLTALES = [b"Abdulaziz", b"SN-4471-XJ", b"Istanbul", b"41.0082"]


def phone_photo(*, orientation: int = 1, size: tuple[int, int] = (4000, 3000)) -> bytes:
    """A JPEG as a phone writes one: position, serial number, owner, XMP, a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.BodySerialNumber] = "SN-4471-XJ"
    exif[ExifTags.Base.Artist] = "Abdulaziz"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (41.0, 0.0, 29.52),
    }
    picture = Image.new("RGB", size, (180, 40, 40))
    picture.paste((20, 20, 160), (0, 0, size[0] // 2, size[1] // 4))  # a mark in one corner
    output = io.BytesIO()
    picture.save(
        output,
        "JPEG",
        exif=exif,
        comment=b"Istanbul, at home",
        xmp=b'<x:xmpmeta><dc:creator>Abdulaziz</dc:creator><gps lat="41.0082"/></x:xmpmeta>',
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    return output.getvalue()


def redrawn(data: bytes, name: str = "from Abdulaziz, Istanbul.jpg") -> tuple[str, bytes]:
    image = image_redrawn(ContentFile(data, name=name))
    return image.name, image.read()


def test_a_phone_photo_keeps_no_position_serial_number_or_owner():
    photo = phone_photo()
    assert all(telltale in photo for telltale in TELLTALES)

    _, stored = redrawn(photo)

    assert not [telltale for telltale in TELLTALES if telltale in stored]
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)


def test_its_new_name_says_nothing_of_the_upload():
    name, _ = redrawn(phone_photo())

    assert "Abdulaziz" not in name and "Istanbul" not in name
    assert name.endswith(".jpg") and len(name) == len("0123456789abcdef0123.jpg")
    assert redrawn(phone_photo(), name="another.jpeg")[0] == name  # named by its content


def test_a_photo_taken_sideways_is_stored_upright_and_no_larger_than_the_site_shows():
    # The phone held upright wrote a landscape picture and the EXIF tag "turn it a quarter".
    _, stored = redrawn(phone_photo(orientation=6, size=(4000, 3000)))

    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (LONGEST_SIDE * 3 // 4, LONGEST_SIDE)
        # The blue mark, top left in the sensor's picture, is now top right.
        assert image.getpixel((image.width - 10, 10))[2] > 120
        assert image.getpixel((10, 10))[0] > 120


def test_a_small_image_keeps_its_size():
    _, stored = redrawn(phone_photo(size=(800, 600)))

    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (800, 600)


def test_a_transparent_png_stays_transparent_and_loses_its_text():
    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    text.add_text("Author", "Abdulaziz")
    text.add_itxt("Location", "Istanbul 41.0082")
    logo = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    logo.paste((200, 0, 0, 255), (50, 50, 100, 100))
    output = io.BytesIO()
    logo.save(output, "PNG", pnginfo=text)

    name, stored = redrawn(output.getvalue(), name="logo.png")

    assert name.endswith(".png")
    assert b"Abdulaziz" not in stored and b"Istanbul" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0 and image.getpixel((60, 60)) == (200, 0, 0, 255)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.7 not a picture", id="not an image"),
        pytest.param(phone_photo()[:5000], id="a photo cut short"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg'/>", id="a drawing in SVG"),
    ],
)
def test_a_file_that_is_not_a_whole_image_is_refused(data):
    with pytest.raises(ValueError):
        image_redrawn(ContentFile(data, name="portrait.jpg"))
