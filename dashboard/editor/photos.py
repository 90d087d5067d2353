"""An uploaded photo for an exhibit, checked as `image` in a data folder is checked.

The file's type is read from its content by Pillow (the name the camera gave it does not
count), and the file is then put through `dashboard.validate.image_problem` itself, in a
temporary data folder: size, pixels and full decoding are the validator's rules, not a copy.
"""

from __future__ import annotations

import io
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path

from dashboard import catalog as cat
from dashboard import validate
from dashboard.editor import draft

_SUFFIX = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}


class PhotoError(ValueError):
    """A file that cannot be an exhibit's photo; the message says why."""


def _format(content: bytes) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a decompression bomb is reported by the check
            with Image.open(io.BytesIO(content)) as img:
                return img.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def photo_name(exhibit_id: str, content: bytes) -> str:
    """images/<exhibit id>.<suffix of what the file really is>."""
    suffix = _SUFFIX.get(_format(content) or "", ".jpg")
    return f"images/{exhibit_id}{suffix}"


def check_photo(content: bytes, uploaded_name: str = "photo") -> str:
    """The path the photo gets in the data folder; PhotoError with the validator's reason."""
    name = f"images/photo{_SUFFIX.get(_format(content) or '', '.jpg')}"
    with tempfile.TemporaryDirectory(prefix="lernreise-photo-") as scratch:
        folder = Path(scratch)
        (folder / "images").mkdir()
        (folder / name).write_bytes(content)
        if why := validate.image_problem(folder, name):
            raise PhotoError(why.replace(repr(name), repr(uploaded_name)))
    return name


def check_credit(credit: str) -> str:
    """The credit/licence line as the data folder's rule for `image_credit` takes it; the
    editor asks for one with every photo (most licences require the credit)."""
    try:
        return cat.check_credit(credit)
    except ValueError as exc:
        raise PhotoError(f"credit and licence: {exc}") from None


def add_photo(files: Mapping[str, bytes], exhibit_id: str, content: bytes,
              uploaded_name: str, *, alt_de: str = "", alt_en: str = "",
              credit: str) -> dict[str, bytes]:
    """The draft with the photo as the exhibit's image; PhotoError when it is not a photo or
    the credit line is missing or unusable."""
    credit = check_credit(credit)
    check_photo(content, uploaded_name)
    try:
        return draft.with_image(files, exhibit_id, photo_name(exhibit_id, content), content,
                                alt_de, alt_en, credit)
    except KeyError:
        raise PhotoError(f"there is no exhibit {exhibit_id!r} in the draft") from None
