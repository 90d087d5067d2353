"""A photo taken on the tour, made fit to keep: checked, turned upright, made smaller, and
without the camera's location unless the person keeps it.

A tablet's camera or a phone's picture is larger than an exhibit's picture in the data folder
may be (dashboard.validate: 1 MB), so the upload itself has its own byte limit
(MAX_UPLOAD_BYTES) and the same pixel limit; it is decoded in full (Pillow, type read from the
content), turned by its EXIF orientation, scaled to at most MAX_EDGE pixels on its long side
and stored as a JPEG. The result then goes through the validator's own image check
(dashboard.editor.photos.check_photo: type, size, pixels, decoded fully), so a stored photo
is always one the pages and the PDF can draw.

EXIF: the GPS block (tag 0x8825) is removed unless keep_location; other tags (time taken,
camera) stay. A photo taken through the page's camera button has no EXIF at all.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from dashboard import validate
from dashboard.editor import photos
from dashboard.store.errors import InvalidNote

MAX_UPLOAD_BYTES = 12 * 1024 * 1024  # a phone's full-size JPEG; larger is refused
MAX_EDGE = 1600  # pixels on the long side of a stored photo (sharp on a tablet and in A4)
_GPS_IFD = 0x8825
_ORIENTATION = 0x0112
_FORMATS = {"PNG", "JPEG", "WEBP"}


@dataclass(frozen=True)
class PreparedPhoto:
    content: bytes  # JPEG
    width: int
    height: int
    location_kept: bool  # the upload had a location and it was kept


def _refuse(message: str, reason: str, **values: object) -> InvalidNote:
    return InvalidNote(message, reason, **values)


def has_location(content: bytes) -> bool:
    """Whether the image's EXIF has a GPS block (for tests and the review's caption)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as img:
            return bool(img.getexif().get_ifd(_GPS_IFD))
    except Exception:  # anything unreadable has no location to speak of
        return False


def prepare_photo(content: object, *, keep_location: bool = False) -> PreparedPhoto:
    """The photo as it is stored; InvalidNote (reason "photo_*") when it cannot be one."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not isinstance(content, bytes | bytearray) or not content:
        raise _refuse("the photo is empty", "photo_empty")
    content = bytes(content)
    if len(content) > MAX_UPLOAD_BYTES:
        raise _refuse(f"the photo is {len(content):,} bytes; at most {MAX_UPLOAD_BYTES:,}",
                      "photo_too_large", max_mb=MAX_UPLOAD_BYTES // (1024 * 1024))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as img:
                if img.format not in _FORMATS:
                    raise _refuse(f"a {img.format} file is not a photo (PNG, JPEG or WebP)",
                                  "photo_type")
                width, height = img.size
                if width * height > validate.MAX_IMAGE_PIXELS:
                    raise _refuse(f"the photo has {width} x {height} pixels",
                                  "photo_pixels", max=validate.MAX_IMAGE_PIXELS)
                img.load()  # decoded in full: a cut-off file fails here
                exif = img.getexif()
                had_location = bool(exif.get_ifd(_GPS_IFD)) if _GPS_IFD in exif else False
                upright = ImageOps.exif_transpose(img)
    except InvalidNote:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse("the photo has too many pixels", "photo_pixels",
                      max=validate.MAX_IMAGE_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse("the file is not a readable PNG, JPEG or WebP photo",
                      "photo_type") from None
    if upright.mode in ("RGBA", "LA", "P"):
        upright = upright.convert("RGBA")
        flat = Image.new("RGB", upright.size, "white")
        flat.paste(upright, mask=upright.getchannel("A"))
        upright = flat
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    upright.thumbnail((MAX_EDGE, MAX_EDGE))
    if _ORIENTATION in exif:
        exif[_ORIENTATION] = 1  # turned upright above
    kept = keep_location and had_location
    if not kept and _GPS_IFD in exif:
        del exif[_GPS_IFD]
    stored = b""
    for quality, edge in ((85, MAX_EDGE), (75, MAX_EDGE), (70, 1200), (60, 900)):
        if upright.width > edge or upright.height > edge:
            upright.thumbnail((edge, edge))
        out = io.BytesIO()
        upright.save(out, "JPEG", quality=quality, exif=exif.tobytes() if len(exif) else b"")
        stored = out.getvalue()
        if len(stored) <= validate.MAX_IMAGE_BYTES:
            break
    try:
        photos.check_photo(stored, "photo")  # the data folder's own rules, not a copy
    except photos.PhotoError as exc:
        raise _refuse(f"the photo cannot be kept: {exc}", "photo_type") from None
    return PreparedPhoto(stored, upright.width, upright.height, kept)
