"""Colour for print: sRGB values and pictures -> the press's CMYK, through its ICC profile (LittleCMS).

Neutral greys become black ink alone (no four-colour grey that blurs at a misregistration);
everything else goes through the output profile with the rendering intent the publication
chose, then is held under its ink limit.
"""

from __future__ import annotations

import colorsys
import functools
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms

# A colour whose channels differ by no more than this (0-255) is a neutral grey: black ink only.
NEUTRAL_SPREAD = 16
# Neutrals this dark are printed as solid black (text #1a1a1a is meant as black, not 90 % grey).
SOLID_BLACK_LIGHTNESS = 0.15


@dataclass(frozen=True)
class PressColour:
    """The press a print file is made for: its CMYK profile, rendering intent and ink limit."""

    profile: Path
    intent: str = "relative-colorimetric"  # or "perceptual"
    ink_limit: int = 300

    @property
    def key(self) -> str:
        """What a converted copy depends on (for caching)."""
        stat = self.profile.stat()
        return f"{self.profile}|{stat.st_size}|{stat.st_mtime_ns}|{self.intent}|{self.ink_limit}"


@functools.lru_cache(maxsize=16)
def _transform(profile: str, intent: str, source_icc: bytes | None, mode: str):
    """An sRGB (or embedded-profile) -> CMYK transform; black-point compensation with relative colorimetric."""
    source = ImageCms.ImageCmsProfile(_io(source_icc)) if source_icc else ImageCms.createProfile("sRGB")
    target = ImageCms.getOpenProfile(profile)
    if intent == "perceptual":
        return ImageCms.buildTransform(source, target, mode, "CMYK", ImageCms.Intent.PERCEPTUAL)
    return ImageCms.buildTransform(
        source,
        target,
        mode,
        "CMYK",
        ImageCms.Intent.RELATIVE_COLORIMETRIC,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )


def _io(data: bytes):
    import io

    return io.BytesIO(data)


def neutral_k(rgb: tuple[int, int, int]) -> float | None:
    """Black ink (0-1) for a neutral grey, or None for a colour."""
    if max(rgb) - min(rgb) > NEUTRAL_SPREAD:
        return None
    return grey_k(rgb)


def grey_k(rgb: tuple[int, int, int]) -> float:
    """Black ink alone (0-1) as dark as the colour: for text, which four inks would blur."""
    lightness = colorsys.rgb_to_hls(*(c / 255 for c in rgb))[1]
    return 1.0 if lightness <= SOLID_BLACK_LIGHTNESS else round(1 - lightness, 3)


def rgb_to_cmyk(rgb: tuple[int, int, int], press: PressColour) -> tuple[float, float, float, float]:
    """One sRGB colour (0-255 channels) as CMYK (0-1) for this press."""
    k = neutral_k(rgb)
    if k is not None:
        return (0.0, 0.0, 0.0, k)
    pixel = Image.new("RGB", (1, 1), rgb)
    converted = ImageCms.applyTransform(pixel, _transform(str(press.profile), press.intent, None, "RGB"))
    assert converted is not None
    cmyk = limit_inks(converted, press.ink_limit).getpixel((0, 0))
    assert isinstance(cmyk, tuple)
    return tuple(round(v / 255, 3) for v in cmyk)  # type: ignore[return-value]


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def css_cmyk(cmyk: tuple[float, float, float, float]) -> str:
    return "device-cmyk({})".format(" ".join(f"{v:g}" for v in cmyk))


def image_to_cmyk(image: Image.Image, press: PressColour) -> Image.Image:
    """An RGB picture as CMYK through its own embedded profile (sRGB when it has none), under the ink limit."""
    icc = image.info.get("icc_profile") or None
    transform = _transform(str(press.profile), press.intent, icc, "RGB")
    converted = ImageCms.applyTransform(image, transform)
    assert converted is not None
    return limit_inks(converted, press.ink_limit)


def limit_inks(image: Image.Image, limit: int) -> Image.Image:
    """Hold every pixel's C+M+Y+K at or under `limit` %: cyan, magenta and yellow give way, black stays."""
    import numpy as np

    pixels = np.asarray(image, dtype=np.float32)
    most = limit / 100 * 255
    total = pixels.sum(axis=2)
    if total.max() <= most:
        return image
    colour = pixels[..., :3].sum(axis=2)
    room = np.clip(most - pixels[..., 3], 0, None)
    scale = np.where(total > most, np.divide(room, colour, out=np.ones_like(room), where=colour > 0), 1.0)
    pixels[..., :3] *= np.clip(scale, 0, 1)[..., None]
    return Image.fromarray(np.floor(pixels).astype(np.uint8), "CMYK")
