"""Company logos: only real PNG, JPEG or WebP images are accepted, and each is
decoded and written anew by Pillow. Re-encoding keeps the pixels and drops
everything else (trailing archives, scripts in metadata, HTML in comments),
so a polyglot upload cannot survive as anything but a picture."""

import io
import os

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from jobsite.text import german_slugify

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_SIDE = 1024
# Decompression bombs: a small file may declare a gigantic canvas.
MAX_LOGO_PIXELS = 25_000_000
ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
# Markup or code inside an image file only ever serves to make it a
# polyglot (a file that a browser or server may also read as HTML/PHP).
SUSPICIOUS_MARKERS = (b"<script", b"<html", b"<?php", b"<svg", b"<iframe", b"javascript:")


def _trailing_data(data, fmt):
    """True when bytes follow the image's own end: the classic way to glue a
    second file (ZIP, HTML, JAR) onto a valid picture."""
    if fmt == "PNG":
        end = data.rfind(b"IEND")
        return end == -1 or len(data) > end + 8
    if fmt == "JPEG":
        return not data.rstrip(b"\x00").endswith(b"\xff\xd9")
    if fmt == "WEBP":
        declared = int.from_bytes(data[4:8], "little") + 8
        return len(data) > declared + (declared % 2)
    return False


def clean_logo(upload):
    """Validates an uploaded logo and returns a freshly encoded copy
    (an UploadedFile) ready for an ImageField."""
    if upload.size is not None and upload.size > MAX_LOGO_BYTES:
        raise ValidationError(
            _("Das Logo ist zu groß (höchstens %(mb)s MB)."), code="too_large", params={"mb": 2}
        )
    head = upload.read(512)
    upload.seek(0)
    if b"<svg" in head.lower() or b"<?xml" in head.lower():
        raise ValidationError(_("SVG-Dateien sind als Logo nicht erlaubt."), code="svg")
    try:
        with Image.open(upload) as probe:
            fmt = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("Die Datei ist kein gültiges Bild (PNG, JPEG oder WebP)."), code="invalid"
        ) from exc
    if fmt not in ALLOWED_FORMATS:
        raise ValidationError(_("Nur PNG, JPEG oder WebP sind als Logo erlaubt."), code="format")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    lowered = data.lower()
    if _trailing_data(data, fmt) or any(marker in lowered for marker in SUSPICIOUS_MARKERS):
        raise ValidationError(
            _("Die Datei enthält neben dem Bild weitere Daten und wird deshalb nicht angenommen."),
            code="polyglot",
        )
    if width * height > MAX_LOGO_PIXELS:
        raise ValidationError(_("Das Bild hat zu viele Pixel."), code="too_many_pixels")

    # verify() leaves the image unusable; open it again to decode the pixels.
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_LOGO_SIDE, MAX_LOGO_SIDE))
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA" if "transparency" in image.info or "A" in image.mode else "RGB")
            out = io.BytesIO()
            if fmt == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
            elif fmt == "WEBP":
                image.save(out, "WEBP", quality=88)
            else:
                image.save(out, "PNG", optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("Das Bild konnte nicht gelesen werden."), code="invalid") from exc

    stem = german_slugify(os.path.splitext(os.path.basename(upload.name or ""))[0], max_length=40) or "logo"
    extension = ALLOWED_FORMATS[fmt]
    content_type = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}[extension]
    return SimpleUploadedFile(f"{stem}.{extension}", out.getvalue(), content_type=content_type)
