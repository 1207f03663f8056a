"""Faces are found on a real photograph of a person (shipped inside scikit-image), and not in textures."""

import io

import pytest
from PIL import Image

from openhouse.media.faces import find_faces
from openhouse.media.report import inspect_original
from tests.media.camera import photo_pixels

skimage_data = pytest.importorskip("skimage.data")

# Eileen Collins's face in scikit-image's 512 x 512 astronaut photo, hairline to chin (measured by eye).
FACE = (182, 70, 88, 112)


def astronaut() -> Image.Image:
    return Image.fromarray(skimage_data.astronaut())


def covers(box, face) -> bool:
    """`box` holds the whole of `face` without being much more than twice its area."""
    inside = (
        box[0] <= face[0]
        and box[1] <= face[1]
        and box[0] + box[2] >= face[0] + face[2]
        and box[1] + box[3] >= face[1] + face[3]
    )
    return inside and box[2] * box[3] < 2.2 * face[2] * face[3]


def overlap(box, other) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ix = max(0, min(box[0] + box[2], other[0] + other[2]) - max(box[0], other[0]))
    iy = max(0, min(box[1] + box[3], other[1] + other[3]) - max(box[1], other[1]))
    inter = ix * iy
    return inter / (box[2] * box[3] + other[2] * other[3] - inter)


def test_the_astronauts_face_is_found_frontal_and_nothing_else():
    faces = find_faces(astronaut())
    assert [f.kind for f in faces] == ["frontal"]
    assert covers((faces[0].x, faces[0].y, faces[0].w, faces[0].h), FACE)


def test_a_face_in_profile_is_found():
    # scikit-image's cameraman looks away to the side: only the profile cascade sees him.
    faces = find_faces(Image.fromarray(skimage_data.camera()))
    assert [f.kind for f in faces] == ["profile"]
    assert overlap((faces[0].x, faces[0].y, faces[0].w, faces[0].h), (185, 111, 82, 82)) > 0.5


def test_a_photo_without_people_has_no_faces():
    assert find_faces(photo_pixels((1600, 1200))) == []
    assert find_faces(Image.fromarray(skimage_data.coffee())) == []
    assert find_faces(Image.fromarray(skimage_data.chelsea())) == []  # a cat is not a person


def test_report_boxes_are_in_the_full_size_upright_photo():
    # Uploaded at 4x, stored sideways with an EXIF orientation saying "rotate 90 degrees clockwise".
    big = astronaut().resize((2048, 2048), Image.Resampling.LANCZOS)
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    big.transpose(Image.Transpose.ROTATE_90).save(buf, "JPEG", quality=90, exif=exif)
    report = inspect_original(buf.getvalue())
    assert (report["width"], report["height"]) == (2048, 2048)
    [face] = report["faces"]
    assert face["kind"] == "frontal"
    assert covers((face["x"], face["y"], face["w"], face["h"]), tuple(4 * v for v in FACE))
    assert "1 face was found: blur it unless it may be shown." in report["warnings"]
