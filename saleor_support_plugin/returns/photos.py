"""Photos a customer sends with a return request: checked (how many, images only, the size limit of every file a
customer sends), kept in Django's default storage, and deleted with the customer's account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile

from saleor_support_plugin.cases.service import CaseError
from saleor_support_plugin.core.error_codes import SupportErrorCode as Code
from saleor_support_plugin.core.text import UPLOAD_MAX_BYTES, file_name
from saleor_support_plugin.returns.models import ReturnPhoto, ReturnRequest

PHOTO_MAX_COUNT = 5


@dataclass(frozen=True)
class Photo:
    name: str
    content_type: str
    content: bytes


def clean_photos(photos: Sequence[Photo]) -> Sequence[Photo]:
    if len(photos) > PHOTO_MAX_COUNT:
        raise CaseError(f"Send at most {PHOTO_MAX_COUNT} photos.", Code.INVALID, "photos")
    for photo in photos:
        if not photo.content_type.startswith("image/"):
            raise CaseError(f"{photo.name} is not a photo (an image file).", Code.INVALID, "photos")
        if len(photo.content) > UPLOAD_MAX_BYTES:
            raise CaseError(f"{photo.name} is over the {UPLOAD_MAX_BYTES // 2**20} MB limit.", Code.INVALID, "photos")
    return photos


def store_photo(request: ReturnRequest, photo: Photo) -> None:
    name = file_name(photo.name, "photo")
    record = ReturnPhoto(request=request, name=name, content_type=photo.content_type[:255], size=len(photo.content))
    record.file.save(name, ContentFile(photo.content), save=True)


def delete_photos(request_ids: list[int]) -> None:
    """The photos of these requests, and their files."""
    for photo in ReturnPhoto.objects.filter(request_id__in=request_ids):
        photo.file.delete(save=False)
        photo.delete()
