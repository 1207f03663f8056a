"""Finding faces, frontal and in profile, with the Haar cascades that OpenCV 4.x wheels carry.

Nothing is downloaded: the cascade files ship inside `opencv-python-headless` (pinned below 5, whose wheels
no longer include them) under `cv2.data.haarcascades`. Detection runs on a grey copy whose longest side
is at most DETECT_SIDE; boxes come back in the coordinates of the image passed in.

Haar cascades are a fast, old detector: they find faces looking at the camera or in clear profile, miss
small, tilted or half-hidden ones, and now and then mistake texture for a face. The report says so, and
reviewers look at every photo themselves; a found box is a suggestion for one-click blurring, not a proof.
"""

from dataclasses import dataclass
from functools import cache
from typing import Literal

import cv2
import numpy as np
from PIL import Image

# One thread per detection: requests and workers share two cores, and parallel cascades gain little.
cv2.setNumThreads(1)

DETECT_SIDE = 1024
MAX_FACES = 50
# Tuned on scikit-image's astronaut photo and on synthetic faceless images (tests/media/test_faces.py):
# the frontal cascade "alt2" with 5 neighbours finds the face and nothing else; the profile cascade needs
# more neighbours to stay quiet on textures.
SCALE_FACTOR = 1.1
FRONTAL_NEIGHBOURS = 5
PROFILE_NEIGHBOURS = 6
# Haar boxes run from the eyebrows to the mouth; a box to blur must cover the whole face (forehead, chin,
# cheeks), so each found box grows by these fractions of its size on each side (more below, for the chin).
GROW_SIDES, GROW_TOP, GROW_BOTTOM = 0.12, 0.15, 0.3
# Smallest face searched for, as a fraction of the detection image's shorter side (and at least 24 px,
# the cascades' own window).
MIN_FACE_FRACTION = 0.03

Kind = Literal["frontal", "profile"]


@dataclass(frozen=True)
class Face:
    x: int
    y: int
    w: int
    h: int
    kind: Kind

    def as_dict(self) -> dict[str, int | str]:
        return {"x": self.x, "y": self.y, "w": self.w, "h": self.h, "kind": self.kind}


@cache
def _cascade(name: str) -> cv2.CascadeClassifier:
    classifier = cv2.CascadeClassifier(cv2.data.haarcascades + name)  # type: ignore[attr-defined]
    if classifier.empty():  # a wheel without the data files (OpenCV 5) must fail loudly, not find nothing
        raise RuntimeError(f"OpenCV's {name} could not be loaded; install opencv-python-headless < 5.")
    return classifier


def find_faces(image: Image.Image) -> list[Face]:
    """Faces in `image` (any mode, already upright), in its pixel coordinates, frontal ones first.

    Each box is grown past what the cascade marks (see GROW_*) so that blurring it hides the whole face.
    """
    scale = min(1.0, DETECT_SIDE / max(image.size))
    grey = image.convert("L")
    if scale < 1.0:
        grey = grey.resize(
            (max(1, round(image.width * scale)), max(1, round(image.height * scale))),
            Image.Resampling.BOX,
        )
    pixels = cv2.equalizeHist(np.asarray(grey, dtype=np.uint8))
    side = max(24, round(min(pixels.shape) * MIN_FACE_FRACTION))
    found: list[tuple[int, int, int, int, Kind]] = [
        (*box, "frontal")
        for box in _detect(pixels, "haarcascade_frontalface_alt2.xml", FRONTAL_NEIGHBOURS, side)
    ]
    profile = "haarcascade_profileface.xml"
    # The profile cascade knows faces turned one way only; its mirror image finds the other way.
    found += [(*box, "profile") for box in _detect(pixels, profile, PROFILE_NEIGHBOURS, side)]
    mirrored = np.ascontiguousarray(pixels[:, ::-1])
    width = pixels.shape[1]
    found += [
        (width - x - w, y, w, h, "profile")
        for x, y, w, h in _detect(mirrored, profile, PROFILE_NEIGHBOURS, side)
    ]
    merged = _merge(found)[:MAX_FACES]
    back = 1.0 / scale
    faces = []
    for x, y, w, h, kind in merged:
        left = max(0, int((x - w * GROW_SIDES) * back))
        top = max(0, int((y - h * GROW_TOP) * back))
        right = min(image.width, int(np.ceil((x + w + w * GROW_SIDES) * back)))
        bottom = min(image.height, int(np.ceil((y + h + h * GROW_BOTTOM) * back)))
        faces.append(Face(left, top, right - left, bottom - top, kind))
    return faces


def _detect(pixels: np.ndarray, cascade: str, neighbours: int, side: int) -> list[tuple[int, int, int, int]]:
    boxes = _cascade(cascade).detectMultiScale(
        pixels, scaleFactor=SCALE_FACTOR, minNeighbors=neighbours, minSize=(side, side)
    )
    return [(int(x), int(y), int(w), int(h)) for x, y, w, h in boxes]


def _overlap(a: tuple[int, int, int, int, Kind], b: tuple[int, int, int, int, Kind]) -> float:
    """Intersection over the smaller box: 1.0 when one box holds the other."""
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    smaller = min(a[2] * a[3], b[2] * b[3])
    return (ix * iy) / smaller if smaller else 0.0


def _merge(found: list[tuple[int, int, int, int, Kind]]) -> list[tuple[int, int, int, int, Kind]]:
    """One box per face: overlapping detections (a face seen by several cascades) become their union.

    Frontal detections come first, so a merged box keeps the frontal kind; larger boxes absorb smaller.
    """
    order = {"frontal": 0, "profile": 1}
    pending = sorted(found, key=lambda f: (order[f[4]], -f[2] * f[3]))
    merged: list[tuple[int, int, int, int, Kind]] = []
    for box in pending:
        for i, kept in enumerate(merged):
            if _overlap(box, kept) > 0.4:
                left, top = min(box[0], kept[0]), min(box[1], kept[1])
                right = max(box[0] + box[2], kept[0] + kept[2])
                bottom = max(box[1] + box[3], kept[1] + kept[3])
                merged[i] = (left, top, right - left, bottom - top, kept[4])
                break
        else:
            merged.append(box)
    return merged
